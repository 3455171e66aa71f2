"""The pack boots as the Pulumi CLI boots it, from a fresh virtualenv holding only what the pack declares.

The engine runs the pack's `__main__.py` as its own process with the pack's virtualenv
(PulumiPolicy.yaml `runtime.options.virtualenv`, built from policies/requirements.txt), reads the gRPC
port the PolicyPack prints on stdout, and calls the Analyzer service: GetAnalyzerInfo, then Analyze per
resource and AnalyzeStack once. This test does exactly that, for the checkout's pack folder and for the
publishable folder `policies/build_pack.py` assembles (what `pulumi policy publish` uploads), with the
properties the real program registers under mocks. pip's cache serves the wheels.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from google.protobuf import empty_pb2, struct_pb2

from test_pack_on_program import ORG_CONFIG, program_stack

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "policies"
TRAIL = "aws:cloudtrail/trail:Trail"
BOOT_TIMEOUT_S = 60


@pytest.fixture(scope="module")
def pack_python(tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("pack") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # --without-pip + the running pip as a module: no ensurepip download; only the pack's requirements go in.
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--disable-pip-version-check", "-r", str(PACK / "requirements.txt")],
                   check=True, timeout=600, capture_output=True)
    return python


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    sys.path.insert(0, str(PACK))
    try:
        from build_pack import build
    finally:
        sys.path.remove(str(PACK))
    return build(tmp_path_factory.mktemp("publish") / "policy-pack")


def _struct(props: dict) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(props)
    return s


class Analyzer:
    """The pack's process and a gRPC stub on the port it printed."""

    def __init__(self, python: Path, folder: Path):
        import grpc
        from pulumi.runtime.proto import analyzer_pb2_grpc

        env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}  # no PYTHONPATH
        self.proc = subprocess.Popen([str(python), "-u", str(folder / "__main__.py")], cwd=folder, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.isdigit():
            self.close()
            raise AssertionError(f"the pack printed {line!r}, not a port: {self.proc.stderr.read()[-3000:]}")
        self.channel = grpc.insecure_channel(f"127.0.0.1:{line}")
        grpc.channel_ready_future(self.channel).result(timeout=BOOT_TIMEOUT_S)
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)

    def close(self):
        if getattr(self, "channel", None) is not None:
            self.channel.close()
        self.proc.kill()
        self.proc.wait(timeout=30)
        for stream in (self.proc.stdout, self.proc.stderr):
            stream.close()


def _resources(config: dict):
    from pulumi.runtime import proto

    return [proto.AnalyzerResource(type=r.type, properties=_struct(r.props), urn=r.urn, name=r.name,
                                   dependencies=list(r.deps),
                                   propertyDependencies={k: proto.AnalyzerPropertyDependencies(urns=list(v))
                                                         for k, v in r.prop_deps.items()})
            for r in program_stack(config)]


def _violations(analyzer: Analyzer, config: dict) -> set[str]:
    from pulumi.runtime import proto

    resources = _resources(config)
    names = set()
    for r in resources:
        answer = analyzer.stub.Analyze(proto.AnalyzeRequest(type=r.type, properties=r.properties, urn=r.urn,
                                                            name=r.name), timeout=BOOT_TIMEOUT_S)
        names |= {d.policyName for d in answer.diagnostics}
    answer = analyzer.stub.AnalyzeStack(proto.AnalyzeStackRequest(resources=resources), timeout=BOOT_TIMEOUT_S)
    return names | {d.policyName for d in answer.diagnostics}


@pytest.mark.e2e
@pytest.mark.parametrize("where", ["checkout", "published"])
def test_pack_process_answers_the_engine_over_grpc(pack_python, published, where):
    folder = PACK if where == "checkout" else published
    analyzer = Analyzer(pack_python, folder)
    try:
        info = analyzer.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=BOOT_TIMEOUT_S)
        assert info.name == "trailguard" and len(info.policies) >= 38
        # The hardened program (the pack's configuration left at its defaults) violates nothing ...
        assert _violations(analyzer, ORG_CONFIG) - {"cloudtrail-organization-trail-enabled"} == set()
        # ... and an opt-out violates exactly its controls.
        weak = _violations(analyzer, {**ORG_CONFIG, "disableLogFileValidation": True})
        assert {"cloudtrail-log-file-validation-enabled", "cloudtrail-security-trail-enabled"} <= weak
        one_bucket = _violations(analyzer, {**ORG_CONFIG, "s3DataEventBuckets": ["one-workload-bucket"]})
        assert "cloudtrail-s3-write-data-events-enabled" in one_bucket
    finally:
        analyzer.close()


def test_published_folder_holds_the_pack_and_the_catalog_without_the_sandbox(published):
    assert {p.name for p in published.iterdir()} == {
        "PulumiPolicy.yaml", "__main__.py", "requirements.txt", "trailguard_policies", "checks"}
    assert (published / "checks" / "catalog" / "__init__.py").is_file()
    assert not (published / "checks" / "sandbox").exists()
