"""The conformance kit: standard behaviour tests a MassGen contributor points at their backend class.

* :class:`BackendConformanceTests` - the base test class to subclass in a pytest module;
* :func:`validate_stream` / :func:`validate_failure_stream` - the stream-lifecycle validator, usable alone;
* the ``check_*`` functions - the backend-level checks, usable alone.

Importing this package does not import MassGen; the checks import it when they run.
"""

from massgen_guide.examples.conformance.base import SCENARIOS, WEATHER_TOOL, BackendConformanceTests
from massgen_guide.examples.conformance.checks import (
    check_filesystem_support,
    check_provider_name,
    check_stateful_methods,
    check_timing_recorded,
    check_usage_recorded,
    resolve_capabilities,
)
from massgen_guide.examples.conformance.lifecycle import (
    ConformanceError,
    StreamLifecycleError,
    collect_stream,
    failure_problems,
    stream_problems,
    validate_failure_stream,
    validate_stream,
)

__all__ = [
    "SCENARIOS",
    "WEATHER_TOOL",
    "BackendConformanceTests",
    "ConformanceError",
    "StreamLifecycleError",
    "check_filesystem_support",
    "check_provider_name",
    "check_stateful_methods",
    "check_timing_recorded",
    "check_usage_recorded",
    "collect_stream",
    "failure_problems",
    "resolve_capabilities",
    "stream_problems",
    "validate_failure_stream",
    "validate_stream",
]
