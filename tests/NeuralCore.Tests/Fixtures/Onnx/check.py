#!/usr/bin/python3
"""Runs the official ONNX checker over the models NeuralCore's tests exported.

Usage: /usr/bin/python3 check.py DIR [MIN_COUNT]
The tests (IO/OnnxExportTests) write every model they export to DIR when NEURALCORE_ONNX_EXPORT_DIR=DIR is set;
.ci/run sets it for the test run and then calls this script. Each file must pass
onnx.checker.check_model(model, full_check=True) (schema and type/shape inference); fewer than MIN_COUNT files
(default 1) means the tests did not export, which is a failure too. Needs Debian's python3-onnx.
"""
import os
import sys

import onnx


def main():
    directory = sys.argv[1]
    minimum = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    files = sorted(f for f in os.listdir(directory) if f.endswith(".onnx"))
    if len(files) < minimum:
        print(f"error: {len(files)} exported models in {directory}; expected at least {minimum}", file=sys.stderr)
        return 1
    failed = 0
    for name in files:
        try:
            onnx.checker.check_model(onnx.load(os.path.join(directory, name)), full_check=True)
        except Exception as e:  # the checker raises ValidationError, shape inference InferenceError
            failed += 1
            print(f"error: {name}: {e}", file=sys.stderr)
    print(f"onnx {onnx.__version__} checker (full_check): {len(files) - failed} of {len(files)} exported models valid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
