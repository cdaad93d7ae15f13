import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SPECS, run_cli, run_process


def test_version():
    result = run_cli("--version")
    assert result.code == 0 and "archgen, version" in result.out


def test_validate_valid_folder_exits_0():
    result = run_cli("validate", SPECS / "valid")
    assert result.code == 0, result.err
    assert "3 of 3 specs valid" in result.err


def test_validate_reports_each_problem_on_one_line_and_exits_2():
    path = "tests/fixtures/specs/invalid/dangling-ids.yaml"
    result = run_cli("validate", path, cwd=ROOT)
    assert result.code == 2
    lines = result.out.strip().splitlines()
    assert len(lines) == 7
    assert lines[0] == f"{path}:5:33: components.users.calls.0: no component 'lbb'; did you mean 'lb'?"
    assert "Traceback" not in result.out + result.err


def test_validate_never_tracebacks_on_any_invalid_fixture():
    result = run_cli("validate", SPECS / "invalid")
    assert result.code == 2
    assert "Traceback" not in result.out + result.err
    assert "0 of" in result.err


def test_no_python_refuses_python_specs(tmp_path):
    shutil.copy(SPECS / "valid" / "url-shortener.py", tmp_path)
    result = run_cli("validate", "--no-python", tmp_path)
    assert result.code == 2
    assert "disabled" in result.out


def test_config_can_refuse_python_specs(tmp_path):
    shutil.copy(SPECS / "valid" / "url-shortener.py", tmp_path)
    (tmp_path / "archgen.toml").write_text("python = false\n")
    assert run_cli("validate", tmp_path).code == 2
    assert run_cli("validate", "--python", tmp_path).code == 0


def test_bad_config_is_one_clear_error(tmp_path):
    shutil.copy(SPECS / "valid" / "url-shortener.yaml", tmp_path)
    (tmp_path / "archgen.toml").write_text("pyhton = false\n")
    result = run_cli("validate", tmp_path)
    assert result.code == 2
    assert "archgen.toml: pyhton: unknown key" in result.err
    assert "Traceback" not in result.err


def test_empty_folder_is_an_error(tmp_path):
    result = run_cli("validate", tmp_path)
    assert result.code == 2 and "no specs found" in result.err


def test_unknown_command_is_a_usage_error():
    assert run_cli("frobnicate").code == 2


def test_the_console_script_and_python_m_archgen_run(tmp_path):
    script = Path(sys.executable).with_name("archgen")
    installed = subprocess.run([script, "validate", SPECS / "valid"], capture_output=True, text=True, timeout=60)
    assert installed.returncode == 0 and "3 of 3 specs valid" in installed.stderr
    module = run_process("lint", "tests/fixtures/specs/invalid/unknown-keys.yaml", cwd=ROOT)
    assert module.code == 2 and "unknown key 'algoritm'" in module.err and "Traceback" not in module.err


def test_a_config_nearer_the_spec_cannot_allow_python_the_project_refuses(tmp_path):
    (tmp_path / "archgen.toml").write_text("python = false\n")
    sub = tmp_path / "contrib"
    sub.mkdir()
    shutil.copy(SPECS / "valid" / "url-shortener.py", sub)
    (sub / "archgen.toml").write_text("python = true\n")
    refused = run_cli("validate", "contrib", cwd=tmp_path)
    assert refused.code == 2 and "disabled" in refused.out
    assert run_cli("validate", "--python", "contrib", cwd=tmp_path).code == 0, "a flag is the user's own choice"
    (tmp_path / "archgen.toml").write_text("python = true\n")
    (sub / "archgen.toml").write_text("python = false\n")
    assert run_cli("validate", "contrib", cwd=tmp_path).code == 2, "a nearer config may narrow"
    (sub / "archgen.toml").write_text("python = true\n")
    assert run_cli("validate", "--no-python", "contrib", cwd=tmp_path).code == 2, "--no-python always wins"
