# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hosts of a play with their variables, in name order: what the table filters of site.yml walk."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence


class PlayHostsError(ValueError):
    """The host list or the hostvars are not what a filter was given to read; the message names the filter."""


def sorted_host_vars(name: str, hosts: Sequence[str], hostvars: Mapping) -> Iterator[tuple[str, Mapping]]:
    """Each host of ``hosts``, sorted, with its variables (an empty mapping when they are not a mapping)."""
    if not isinstance(hosts, Sequence) or isinstance(hosts, (str, bytes)):
        raise PlayHostsError("%s: input must be a list of host names" % name)
    if not isinstance(hostvars, Mapping):
        raise PlayHostsError("%s: hostvars must be a mapping of host name to variables" % name)
    for host in sorted(str(h) for h in hosts):
        if host not in hostvars:
            raise PlayHostsError("%s: host %s is not in hostvars" % (name, host))
        host_vars = hostvars[host]
        yield host, host_vars if isinstance(host_vars, Mapping) else {}
