import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.npuops.gptoss.plugins.filter.sha256sums import sha256sums

A = "a" * 64
B = "0123456789abcdef" * 4


def test_text_and_binary_mode_lines_and_paths():
    text = f"# bundle 2026-11\n{A}  Ascend-hdk-910b-npu-driver_25.0.rc1.1_linux-x86-64.run\n\n{B.upper()} *ascend/fw.run\n"
    assert sha256sums(text) == {"Ascend-hdk-910b-npu-driver_25.0.rc1.1_linux-x86-64.run": A, "fw.run": B}


@pytest.mark.parametrize("text, where", [
    (f"{A} driver.run", "line 1"),             # one space and no mode marker
    (f"{A[:-1]}  driver.run", "line 1"),       # 63 digits
    (f"{A}  a.run\n{B}  a.run", "line 2"),     # listed twice, different sums
])
def test_bad_lines_are_named(text, where):
    with pytest.raises(AnsibleFilterError, match=where):
        sha256sums(text)


def test_same_file_twice_with_same_sum_is_fine():
    assert sha256sums(f"{A}  a.run\n{A}  a.run") == {"a.run": A}
