"""Runs unittest modules and writes one result per test to a JSON file, for the xunit driver
(tests/QiboAccel.Tests/Bindings/PythonPackageTests.cs), which turns each into one xunit case.

    python3 run_unittests.py RESULTS.json MODULE [MODULE ...]

RESULTS.json: {"Class.test_name": {"status": "pass" | "fail" | "error" | "skip", "detail": "..."}}.
Exit status 0 when every test passed.
"""

import json
import os
import sys
import traceback
import unittest


class Recorder(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = {}

    @staticmethod
    def key(test):
        return f"{type(test).__name__}.{test._testMethodName}"

    def addSuccess(self, test):
        super().addSuccess(test)
        self.outcomes[self.key(test)] = {"status": "pass", "detail": ""}

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.outcomes[self.key(test)] = {"status": "fail", "detail": self._exc_info_to_string(err, test)}

    def addError(self, test, err):
        super().addError(test, err)
        key = self.key(test) if isinstance(test, unittest.TestCase) else str(test)
        self.outcomes[key] = {"status": "error", "detail": self._exc_info_to_string(err, test)}

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.outcomes[self.key(test)] = {"status": "skip", "detail": reason}


def main():
    out, modules = sys.argv[1], sys.argv[2:]
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    outcomes = {}
    ok = True
    for name in modules:
        try:
            suite = unittest.defaultTestLoader.loadTestsFromName(name)
        except Exception:  # an import error fails every test of the module, with the reason
            outcomes[f"{name}:import"] = {"status": "error", "detail": traceback.format_exc()}
            ok = False
            continue
        runner = unittest.TextTestRunner(stream=sys.stderr, verbosity=2, resultclass=Recorder)
        result = runner.run(suite)
        outcomes.update(result.outcomes)
        ok = ok and result.wasSuccessful()
    with open(out, "w", encoding="utf-8") as f:
        json.dump(outcomes, f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
