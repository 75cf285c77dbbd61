"""Software configs and deployments through the API (heat/engine/service_software_config.py):
thin, locked wrappers over deployments.SoftwareConfigService, checking the tenant."""
from __future__ import annotations

from fakes.heat import errors
from fakes.heat.stack_locking import locked


class SoftwareApi:
    def _config(self, tenant: str, config_id: str) -> dict:
        row = self.software.config_row(config_id)
        if tenant is not None and row["tenant"] != tenant:
            raise errors.EntityNotFound("Software Config", config_id)
        return row

    def _deployment(self, tenant: str, deployment_id: str) -> dict:
        row = self.software.deployment_row(deployment_id)
        if tenant is not None and row["tenant"] != tenant:
            raise errors.EntityNotFound("Software Deployment", deployment_id)
        return row

    # -- configs --------------------------------------------------------------------------
    @locked
    def list_software_configs(self, tenant: str, limit=None, marker=None) -> list[dict]:
        return self.software.list_configs(tenant, limit, marker)

    @locked
    def show_software_config(self, tenant: str, config_id: str) -> dict:
        self._config(tenant, config_id)
        return self.software.show_config(config_id)

    @locked
    def create_software_config(self, tenant: str, name=None, group=None, config=None,
                               inputs=None, outputs=None, options=None) -> dict:
        return self.software.create_config(tenant, name, group, config, inputs, outputs,
                                           options)

    @locked
    def delete_software_config(self, tenant: str, config_id: str) -> None:
        self._config(tenant, config_id)
        self.software.delete_config(config_id)

    # -- deployments ----------------------------------------------------------------------
    @locked
    def list_software_deployments(self, tenant: str, server_id=None) -> list[dict]:
        return self.software.list_deployments(tenant, server_id)

    @locked
    def show_software_deployment(self, tenant: str, deployment_id: str) -> dict:
        """Also reads a TEMP_URL signal, as Heat's does (protocol.md 3.4)."""
        self._deployment(tenant, deployment_id)
        return self.software.show_deployment(deployment_id)

    @locked
    def create_software_deployment(self, tenant: str, server_id: str, config_id=None,
                                   input_values=None, action="INIT", status="COMPLETE",
                                   status_reason="", stack_user_project_id=None,
                                   deployment_id=None) -> dict:
        if not server_id:
            raise errors.HeatError400("server_id is required", "HTTPBadRequest")
        return self.software.create_deployment(tenant, server_id, config_id, input_values,
                                               action, status, status_reason,
                                               stack_user_project_id, deployment_id)

    @locked
    def update_software_deployment(self, tenant: str, deployment_id: str, config_id=None,
                                   input_values=None, output_values=None, action=None,
                                   status=None, status_reason=None, updated_at=None) -> dict:
        self._deployment(tenant, deployment_id)
        return self.software.update_deployment(deployment_id, config_id, input_values,
                                               output_values, action, status, status_reason,
                                               updated_at)

    @locked
    def delete_software_deployment(self, tenant: str, deployment_id: str) -> None:
        self._deployment(tenant, deployment_id)
        self.software.delete_deployment(deployment_id)

    @locked
    def signal_software_deployment(self, tenant: str, deployment_id: str, details,
                                   updated_at=None):
        self._deployment(tenant, deployment_id)
        return self.software.signal(deployment_id, details,
                                    updated_at if updated_at is not None else self.clock.now())

    @locked
    def metadata_software_deployments(self, tenant: str, server_id: str) -> list[dict]:
        return self.software.server_deployments(server_id)
