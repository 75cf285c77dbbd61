"""`python -m fakes serve ...` is `harness undercloud serve ...`."""
from fakes.cli import undercloud

if __name__ == "__main__":  # pragma: no cover
    undercloud(prog_name="python -m fakes")
