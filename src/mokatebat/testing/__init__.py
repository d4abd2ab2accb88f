"""Test helpers shared by the apps' test suites (pytest plugins, browser fixtures)."""

import pytest

# Plain asserts in the helpers get pytest's detailed messages even when a test module imports them
# before pytest loads them as a plugin.
pytest.register_assert_rewrite("mokatebat.testing.browser")
