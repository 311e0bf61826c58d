# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Sourced by the scripts that install their own dependencies.
# missing_pkgs PKG...: prints, one per line, the packages (name or
# name:arch) that dpkg does not have installed.
missing_pkgs() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			echo "$p"
	done
}
