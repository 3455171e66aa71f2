"""A small Amazon States Language interpreter: stands in for AWS Step Functions in tests and the demo.

It runs exactly the states the ContinuousAudit state machine uses, with JSONPath (``$``, ``$.a.b``) only:

- Task on ``arn:aws:states:::lambda:invoke``: calls the Python handler registered for FunctionName with
  Payload, in process; the task result is ``{"Payload": <answer>, "StatusCode": 200}`` as the optimized
  Lambda integration returns it. Parameters (``.$`` keys), ResultPath, OutputPath, Retry, Catch.
- Map with ProcessorConfig.Mode DISTRIBUTED: ItemReader (s3:getObject, ReaderConfig.InputType JSON),
  ItemBatcher (MaxItemsPerBatch, BatchInput), MaxConcurrency (children run on that many threads),
  ToleratedFailurePercentage (beyond it: States.ExceedToleratedFailureThreshold), ResultWriter
  (s3:putObject: manifest.json and SUCCEEDED_0.json / FAILED_0.json under Prefix/<map run id>/, and the
  state's result ``{"MapRunArn", "ResultWriterDetails": {"Bucket", "Key"}}``), ResultPath, Catch.
- Fail.

Anything else (another state type, a field it does not implement) raises NotImplementedError: the
interpreter never silently skips what it doesn't understand. Errors are named as Step Functions names
them: an exception with an ``error`` attribute carries its own name (``Lambda.TooManyRequestsException``);
any other exception raised by a handler is a function error named by its type (``ValueError``), as
Lambda reports ``errorType``. Retry waits are recorded, not slept.
"""
from __future__ import annotations

import copy
import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
COMMON = {"Type", "Comment", "Next", "End", "Parameters", "ResultPath", "OutputPath", "Retry", "Catch"}
KNOWN = {
    "Task": COMMON | {"Resource"},
    "Map": COMMON | {"ItemReader", "ItemBatcher", "MaxConcurrency", "ToleratedFailurePercentage", "ItemProcessor",
                     "ResultWriter"},
    "Fail": {"Type", "Comment", "Error", "Cause"},
}


class StatesError(Exception):
    def __init__(self, error: str, cause: str = "") -> None:
        super().__init__(f"{error}: {cause}")
        self.error, self.cause = error, cause


class LambdaServiceError(Exception):
    """Raise from a handler to simulate a Lambda service failure (``error`` is the Step Functions name)."""

    def __init__(self, error: str = "Lambda.TooManyRequestsException") -> None:
        super().__init__(error)
        self.error = error


@dataclass
class Execution:
    status: str  # SUCCEEDED | FAILED
    output: Any = None
    error: str = ""
    cause: str = ""
    events: list = field(default_factory=list)  # (state name, what happened)
    retries: list = field(default_factory=list)  # (state name, error, wait seconds)
    map_runs: list = field(default_factory=list)  # {"children", "failed", "max_parallel", "result_writer"}


def get_path(data: Any, path: str) -> Any:
    if path == "$":
        return data
    if not path.startswith("$."):
        raise NotImplementedError(f"JSONPath {path!r}: only $ and $.a.b are implemented")
    for part in path[2:].split("."):
        if not isinstance(data, dict) or part not in data:
            raise StatesError("States.Runtime", f"path {path} not found in the input")
        data = data[part]
    return data


def set_path(data: Any, path: str | None, value: Any) -> Any:
    if path is None:
        return data  # ResultPath: null discards the result
    if path == "$":
        return value
    out = copy.deepcopy(data) if isinstance(data, dict) else {}
    node = out
    parts = path[2:].split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return out


def resolve(template: Any, data: Any) -> Any:
    """Parameters: keys ending in ``.$`` take the value at their path."""
    if isinstance(template, dict):
        out = {}
        for k, v in template.items():
            if k.endswith(".$"):
                out[k[:-2]] = get_path(data, v)
            else:
                out[k] = resolve(v, data)
        return out
    if isinstance(template, list):
        return [resolve(v, data) for v in template]
    return template


def _matches(error: str, names: list[str]) -> bool:
    return "States.ALL" in names or error in names


class Interpreter:
    def __init__(self, functions: dict[str, Callable[[Any], Any]], s3_client) -> None:
        self.functions = functions  # Lambda ARN -> handler(payload)
        self.s3 = s3_client
        self._lock = threading.Lock()

    def run(self, definition: dict, payload: Any) -> Execution:
        execution = Execution(status="RUNNING")
        try:
            execution.output = self._machine(definition, payload, execution)
            execution.status = "SUCCEEDED"
        except StatesError as exc:
            execution.status, execution.error, execution.cause = "FAILED", exc.error, exc.cause
        return execution

    def _log(self, execution: Execution, *event) -> None:
        with self._lock:
            execution.events.append(event)

    def _machine(self, definition: dict, data: Any, execution: Execution) -> Any:
        name = definition["StartAt"]
        while True:
            state = definition["States"][name]
            unknown = set(state) - KNOWN.get(state["Type"], set())
            if state["Type"] not in KNOWN or unknown:
                raise NotImplementedError(f"state {name}: {state['Type']} {sorted(unknown)} not implemented")
            self._log(execution, name, "entered")
            if state["Type"] == "Fail":
                raise StatesError(state.get("Error", "States.Fail"), state.get("Cause", ""))
            try:
                result = self._with_retry(name, state, data, execution)
            except StatesError as exc:
                catcher = next((c for c in state.get("Catch", []) if _matches(exc.error, c["ErrorEquals"])), None)
                if catcher is None:
                    raise
                self._log(execution, name, f"caught {exc.error}")
                data = set_path(data, catcher.get("ResultPath", "$"), {"Error": exc.error, "Cause": exc.cause})
                name = catcher["Next"]
                continue
            data = set_path(data, state.get("ResultPath", "$"), result)
            if "OutputPath" in state:
                data = get_path(data, state["OutputPath"])
            if state.get("End"):
                return data
            name = state["Next"]

    def _with_retry(self, name: str, state: dict, data: Any, execution: Execution) -> Any:
        attempts: dict[int, int] = {}
        while True:
            try:
                return self._execute(name, state, data, execution)
            except StatesError as exc:
                for i, retrier in enumerate(state.get("Retry", [])):
                    if _matches(exc.error, retrier["ErrorEquals"]):
                        n = attempts.get(i, 0)
                        if n >= retrier.get("MaxAttempts", 3):
                            raise
                        attempts[i] = n + 1
                        wait = retrier.get("IntervalSeconds", 1) * retrier.get("BackoffRate", 2.0) ** n
                        with self._lock:
                            execution.retries.append((name, exc.error, wait))
                        break
                else:
                    raise

    def _execute(self, name: str, state: dict, data: Any, execution: Execution) -> Any:
        params = resolve(state["Parameters"], data) if "Parameters" in state else data
        if state["Type"] == "Task":
            return self._lambda(state["Resource"], params)
        return self._map(name, state, data, execution)

    def _lambda(self, resource: str, params: dict) -> dict:
        if resource != LAMBDA_INVOKE:
            raise NotImplementedError(f"Task resource {resource!r} not implemented")
        handler = self.functions.get(params["FunctionName"])
        if handler is None:
            raise StatesError("Lambda.ResourceNotFoundException", f"Function not found: {params['FunctionName']}")
        # The payload crosses a JSON boundary in AWS: anything not JSON-serializable must fail here too.
        payload = json.loads(json.dumps(params.get("Payload", {})))
        try:
            answer = handler(payload)
        except LambdaServiceError as exc:
            raise StatesError(exc.error, "simulated Lambda service error") from None
        except Exception as exc:  # a function error: Lambda reports errorType and errorMessage
            raise StatesError(type(exc).__name__, json.dumps({"errorMessage": str(exc),
                                                              "errorType": type(exc).__name__})) from None
        return {"StatusCode": 200, "Payload": json.loads(json.dumps(answer))}

    def _map(self, name: str, state: dict, data: Any, execution: Execution) -> Any:
        processor = state["ItemProcessor"]
        if processor.get("ProcessorConfig", {}).get("Mode") != "DISTRIBUTED":
            raise NotImplementedError("only DISTRIBUTED Map is implemented")
        reader = state["ItemReader"]
        if reader["Resource"] != "arn:aws:states:::s3:getObject" or reader["ReaderConfig"]["InputType"] != "JSON":
            raise NotImplementedError(f"ItemReader {reader} not implemented")
        where = resolve(reader["Parameters"], data)
        try:
            items = json.loads(self.s3.get_object(Bucket=where["Bucket"], Key=where["Key"])["Body"].read())
        except Exception as exc:
            raise StatesError("States.ItemReaderFailed", str(exc)) from None
        batcher = state.get("ItemBatcher")
        if batcher:
            size, batch_input = batcher["MaxItemsPerBatch"], resolve(batcher.get("BatchInput", {}), data)
            inputs = [{"Items": items[i:i + size], "BatchInput": batch_input} for i in range(0, len(items), size)]
        else:
            inputs = items
        run = {"children": len(inputs), "failed": 0, "max_parallel": 0, "results": []}
        running = [0]

        def child(child_input):
            with self._lock:
                running[0] += 1
                run["max_parallel"] = max(run["max_parallel"], running[0])
            try:
                sub = Execution(status="RUNNING")
                try:
                    out = self._machine(processor, child_input, sub)
                    return {"Status": "SUCCEEDED", "Input": json.dumps(child_input), "Output": json.dumps(out)}
                except StatesError as exc:
                    return {"Status": "FAILED", "Input": json.dumps(child_input), "Error": exc.error,
                            "Cause": exc.cause}
                finally:
                    with self._lock:
                        execution.retries.extend(sub.retries)
            finally:
                with self._lock:
                    running[0] -= 1

        with ThreadPoolExecutor(max_workers=max(1, state.get("MaxConcurrency", 0) or 40)) as pool:
            results = list(pool.map(child, inputs))
        run["failed"] = sum(r["Status"] == "FAILED" for r in results)
        execution.map_runs.append(run)
        self._log(execution, name, f"map run: {run['children']} children, {run['failed']} failed")
        output = self._write_results(name, state, results, data, run)
        tolerated = state.get("ToleratedFailurePercentage", 0)
        if results and 100.0 * run["failed"] / len(results) > tolerated:
            raise StatesError("States.ExceedToleratedFailureThreshold",
                              f"{run['failed']} of {len(results)} child executions failed; {tolerated}% tolerated")
        return output

    def _write_results(self, name: str, state: dict, results: list, data: Any, run: dict) -> Any:
        writer = state.get("ResultWriter")
        if not writer:
            return [json.loads(r["Output"]) for r in results if r["Status"] == "SUCCEEDED"]
        if writer["Resource"] != "arn:aws:states:::s3:putObject":
            raise NotImplementedError(f"ResultWriter {writer} not implemented")
        where = resolve(writer["Parameters"], data)
        map_run = str(uuid.uuid4())
        base = f"{where['Prefix'].rstrip('/')}/{map_run}"
        files = {}
        for status in ("SUCCEEDED", "FAILED"):
            chosen = [r for r in results if r["Status"] == status]
            key = f"{base}/{status}_0.json"
            self.s3.put_object(Bucket=where["Bucket"], Key=key, Body=json.dumps(chosen).encode())
            files[status] = [{"Key": key, "Size": len(json.dumps(chosen))}] if chosen else []
        manifest_key = f"{base}/manifest.json"
        arn = f"arn:aws:states:us-east-1:123456789012:mapRun:continuous-audit/{name}:{map_run}"
        self.s3.put_object(Bucket=where["Bucket"], Key=manifest_key, Body=json.dumps({
            "DestinationBucket": where["Bucket"], "MapRunArn": arn,
            "ResultFiles": {"FAILED": files["FAILED"], "PENDING": [], "SUCCEEDED": files["SUCCEEDED"]}}).encode())
        run["result_writer"] = manifest_key
        return {"MapRunArn": arn, "ResultWriterDetails": {"Bucket": where["Bucket"], "Key": manifest_key}}
