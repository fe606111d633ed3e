"""store.payloads: what readers get from a tool result's raw output."""

from __future__ import annotations

import json

from store import payloads

EXEC_OUTPUT = (
    "Chunk ID: 853167\nWall time: 0.0000 seconds\nProcess exited with code 2\n"
    "Original token count: 12\nOutput:\nerror: no such file\n"
)


def test_codex_apply_patch_envelope_is_unwrapped() -> None:
    raw = json.dumps({"output": "Success. Updated the following files:\nM a.py\n", "metadata": {"exit_code": 0}})
    result: payloads.ToolResult = {"tool_use_id": "c1", "output": raw}
    assert payloads.result_output(result).startswith("Success. Updated")
    assert payloads.result_exit_code(result) == 0
    assert not payloads.is_error_result(result)


def test_codex_exec_header_is_dropped_and_its_exit_code_marks_an_error() -> None:
    result: payloads.ToolResult = {"tool_use_id": "c1", "output": EXEC_OUTPUT}
    assert payloads.result_output(result) == "error: no such file\n"
    assert payloads.result_exit_code(result) == 2
    assert payloads.is_error_result(result)


def test_a_running_process_has_no_exit_code() -> None:
    raw = "Chunk ID: a21e41\nWall time: 1.0 seconds\nProcess running with session ID 4\nOutput:\n"
    result: payloads.ToolResult = {"tool_use_id": "c1", "output": raw}
    assert payloads.result_output(result) == ""
    assert payloads.result_exit_code(result) is None and not payloads.is_error_result(result)


def test_plain_output_and_lookalikes_stay_as_they_are() -> None:
    for raw in ("50 passed", '{"output": 3}', '{"output": "x"', "Chunk ID: 1 but no output marker"):
        result: payloads.ToolResult = {"tool_use_id": "c1", "output": raw}
        assert payloads.result_output(result) == raw
        assert payloads.result_exit_code(result) is None
