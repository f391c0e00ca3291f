import pytest

from tests.oracle.oracles import oracle


@pytest.fixture(scope="module")
def bexpr_oracle():
    o = oracle("bexpr")
    yield o
    o.close()


@pytest.fixture(scope="module")
def hcl_oracle():
    o = oracle("hcl")
    yield o
    o.close()
