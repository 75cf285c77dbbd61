"""`harness conformance`: check hosts against the guide's requirements (a thin front of
`pytest -p harness.conformance.plugin --pyargs harness.conformance`)."""
from __future__ import annotations

import sys

import click

from harness.conformance import api, checks, report, settings


def _split_hosts(values: tuple[str, ...]) -> list[str]:
    return [url.strip() for value in values for url in value.split(",") if url.strip()]


def _credentials(**given: str | None) -> dict[str, str]:
    return {name: value for name, value in given.items() if value}


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--hosts", "hosts", multiple=True, metavar="URL[,URL...]",
              help="testinfra URLs: ssh://user@host (OpenSSH), paramiko://user@host, docker://container, "
                   "local://. Repeat or separate with commas.")
@click.option("--undercloud", metavar="IP", help="the undercloud's local_ip (undercloud.conf), as the hosts reach it")
@click.option("--stage", type=click.Choice(checks.STAGES), default="post-deploy", show_default=True,
              help="pre-deploy: connectivity and packages; post-deploy: also the agent and deployments; "
                   "decommissioned: hosts removed from the stack")
@click.option("--undercloud-scheme", type=click.Choice(settings.SCHEMES), default="http", show_default=True)
@click.option("--undercloud-port", "ports", multiple=True, metavar="NAME=PORT",
              help="a port other than the guide's (keystone=5000, cfn=8000, swift=8080)")
@click.option("--ca-file", metavar="PATH", help="the undercloud's CA certificate: a path ON THE HOSTS (curl --cacert)")
@click.option("--ssh-identity-file", type=click.Path(exists=True, dir_okay=False), help="private key for ssh://")
@click.option("--ssh-config", type=click.Path(exists=True, dir_okay=False),
              help="an OpenSSH client config to use (default: ~/.ssh/config); connections are reused "
                   "(ControlMaster) either way")
@click.option("--known-hosts", type=click.Path(exists=True, dir_okay=False),
              help="known_hosts file to trust for ssh:// hosts (default: the user's own)")
@click.option("--ssh-insecure", is_flag=True,
              help="DISABLE SSH host-key checking (StrictHostKeyChecking=no). Off by default: real hosts "
                   "are checked against known_hosts; only use this for throwaway hosts.")
@click.option("--ansible-inventory", type=click.Path(exists=True, dir_okay=False),
              help="take the hosts from an Ansible inventory (testinfra's --ansible-inventory)")
@click.option("--connection", help="testinfra backend for bare host names (ssh, paramiko, docker, ansible)")
@click.option("--junit-xml", type=click.Path(dir_okay=False, writable=True), help="also write JUnit XML here")
@click.option("-n", "--parallel", type=click.IntRange(min=1), default=1, show_default=True,
              help="check this many hosts at once (pytest-xdist; one host's checks stay on one worker)")
@click.option("--stack", default="overcloud", show_default=True, help="overcloud stack name (with --os-auth-url)")
@click.option("--os-auth-url", envvar="OS_AUTH_URL", help="undercloud Keystone URL (default $OS_AUTH_URL); "
              "with credentials the metadata URL is compared with the one Heat holds")
@click.option("--os-username", envvar="OS_USERNAME")
@click.option("--os-password", envvar="OS_PASSWORD")
@click.option("--os-project-name", envvar="OS_PROJECT_NAME")
@click.option("--os-user-domain-name", envvar="OS_USER_DOMAIN_NAME")
@click.option("--os-project-domain-name", envvar="OS_PROJECT_DOMAIN_NAME")
@click.option("--os-cacert", envvar="OS_CACERT", help="CA file on THIS machine for the undercloud API")
@click.option("--plain", is_flag=True, help="plain lines instead of a table, even on a terminal")
@click.option("-v", "--verbose", is_flag=True, help="also show pytest's own output")
def conformance(hosts, undercloud, stage, undercloud_scheme, ports, ca_file, ssh_identity_file, ssh_config,
                known_hosts, ssh_insecure, ansible_inventory, connection, junit_xml, parallel, stack,
                os_auth_url, os_username, os_password, os_project_name, os_user_domain_name,
                os_project_domain_name, os_cacert, plain, verbose):
    """Check hosts against the deployed-server guide's requirements (read-only).

    \b
    Example:
      harness conformance --hosts ssh://stack@192.0.2.10,ssh://stack@192.0.2.11 \\
          --undercloud 192.0.2.1 --ssh-identity-file ~/.ssh/id_rsa -n 4

    Prints a host x check table with pass/fail/warn/skip and the fix for each failure; exits 1
    when any check fails. Checks never change a host (no writes, no restarts; root-only files are
    read with `sudo -n cat`). SSH host keys are verified unless --ssh-insecure is given.
    """
    urls = _split_hosts(hosts)
    try:
        undercloud_ports = settings.parse_ports(list(ports))
        settings.parse_address(undercloud)
        run = api.run_suite(
            stage, urls, undercloud, ssh_insecure=ssh_insecure, known_hosts=known_hosts,
            undercloud_scheme=undercloud_scheme, undercloud_ports=undercloud_ports, ca_file=ca_file,
            stack=stack, ssh_config=ssh_config, ssh_identity_file=ssh_identity_file,
            ansible_inventory=ansible_inventory, connection=connection, parallel=parallel, junit_xml=junit_xml,
            credentials=_credentials(auth_url=os_auth_url, username=os_username, password=os_password,
                                     project_name=os_project_name, user_domain_name=os_user_domain_name,
                                     project_domain_name=os_project_domain_name, cacert=os_cacert))
    except (ValueError, api.ConformanceRunError) as error:
        raise click.UsageError(str(error)) from None
    if verbose:
        click.echo(run.output)
    report.show(run.results, rich=False if plain else None)
    if not run.results:
        raise click.ClickException("no checks ran: " + run.output.strip()[-1000:])
    sys.exit(1 if run.failed else 0)
