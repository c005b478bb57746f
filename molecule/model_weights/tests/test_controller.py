"""mol-mw-ctl: after its refusals (converge proves they changed nothing), the damaged share is as prepare left it."""
from conftest import photo_unchanged

testinfra_hosts = ["ansible://mw_ctl"]


def test_damaged_share_is_untouched(host):
    assert photo_unchanged(host, "/mnt/bad-share")
