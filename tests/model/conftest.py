import pytest

pytest.register_assert_rewrite("tests.model.config.util")
