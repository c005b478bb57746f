#!/bin/bash
# Simulated Ascend NPU firmware installer: what makeself runs after extracting
# Ascend-hdk-<chip>-npu-firmware_<ver>.run. The firmware is flashed with the driver's upgrade-tool,
# so it needs an installed driver, and it takes effect at the next boot. Messages follow the real
# package's output; sim/vendor/README.md marks the ones that are made up.
#
# flag: --full                   install (--run is the same here)
# flag: --upgrade                upgrade the firmware (installs it if there is none)
# flag: --uninstall              remove the firmware package (alone)
# flag: --quiet                  ask nothing
# flag: --install-path=<dir>     default: where the driver is
# flag: --version                print the package version
set -u
cd "$(dirname "$0")" || exit 1
. ./common.sh
LOG_TAG=Firmware
INFO=/etc/ascend_install.info

end() { say "[INFO]End time: $(now)"; exit "$1"; }
fail() { say "[ERROR]$1"; end 1; }

if [ $# -eq 0 ]; then
  echo "[Firmware] [$(now)] [ERROR]ERR_NO:0x0004;ERR_DES: Unrecognized parameters. Try './xxx.run --help' for more information."
  exit 1
fi
if ! is_root; then
  echo "[Firmware] [$(now)] [ERROR]ERR_NO:0x0093;ERR_DES:do not have root permission, operation failed, please use root permission!"
  exit 1
fi
say "[INFO]Start time: $(now)"
say "[INFO]LogFile: $INSTALL_LOG"
say "[INFO]OperationLogFile: /var/log/ascend_seclog/operation.log"

i=0 j=0 type="" upgrade=n uninstall=n version=n quiet=n path="" path_given=n
for arg in "$@"; do
  case $arg in
    --full|--run)
      i=$((i + 1)) j=$((j + 1))
      [ -n "$type" ] && fail "ERR_NO:0x0004;ERR_DES:only support one type: full/run, operation failed!"
      type=full ;;
    --upgrade) i=$((i + 1)) j=$((j + 1)) upgrade=y ;;
    --uninstall) i=$((i + 1)) uninstall=y ;;
    --version) i=$((i + 1)) version=y ;;
    --quiet) i=$((i + 1)) quiet=y ;;
    --install-for-all) ;;  # whether the real firmware package refuses it is not known; deployers do not pass it
    --install-path=*)
      i=$((i + 1)) path_given=y path=${arg#*=}
      [ -z "$path" ] && fail "ERR_NO:0x0003;ERR_DES:install path is null, install failed" ;;
    *) fail "ERR_NO:0x0004;ERR_DES: Unrecognized parameters: $arg. Try './xxx.run --help' for more information." ;;
  esac
done
if [ $uninstall = y ] || [ $version = y ]; then
  [ $i -gt 1 ] && fail "ERR_NO:0x0004;ERR_DES:version/uninstall/check can't use with other parameters."
else
  [ $j -ne 1 ] && fail "ERR_NO:0x0004;ERR_DES:param need used with full/run/upgrade."
fi
if [ $version = y ]; then
  say "[INFO]firmware version :$PKG_VERSION"
  end 0
fi

installed=$(info_get Firmware_Install_Path_Param $INFO)
old=$(version_of "$installed/firmware/version.info")
[ -n "$old" ] && say "[INFO]base version is ${old}."
if [ $uninstall = y ]; then
  [ -z "$installed" ] && fail "ERR_NO:0x0080;ERR_DES:Firmware package is not installed on this device, uninstall failed"
  rm -rf "$(r "$installed/firmware")"
  rmdir "$(r "$installed")" 2>/dev/null
  info_del Firmware_Install_Type $INFO
  info_del Firmware_Install_Path_Param $INFO
  grep -qi Install_Path_Param "$(r $INFO)" 2>/dev/null || rm -f "$(r $INFO)"
  say "[INFO]Firmware package uninstalled successfully! Uninstallation takes effect immediately."
  end 0
fi

say "[WARNING]\033[33mDo not power off or restart the system during the installation/upgrade\033[0m"
username=$(info_get UserName $INFO) usergroup=$(info_get UserGroup $INFO)
username=${username:-HwHiAiUser} usergroup=${usergroup:-HwHiAiUser}
user_exists "$username" || fail "ERR_NO:0x0091;ERR_DES:${username} not exists! Please add ${username}"
group_exists "$usergroup" || fail "ERR_NO:0x0091;ERR_DES:${usergroup} group not exists! Please add ${usergroup} group"
# Made-up message: the real text for "no driver to flash with" is not public.
driver=$(info_get Driver_Install_Path_Param $INFO)
[ -n "$driver" ] && [ -x "$(r "$driver/driver/tools/upgrade-tool")" ] ||
  fail "ERR_NO:0x0080;ERR_DES:Driver package is not installed on this device, please install the driver first, firmware install failed"
[ $path_given = n ] && path=${installed:-$driver}
case $path in /*) ;; *) fail "ERR_NO:0x0003;ERR_DES:install-path input error, install failed" ;; esac
path=${path%/}

[ -n "$installed" ] && rm -rf "$(r "$installed/firmware")"
d=$(r "$path/firmware")
mkdir -p "$d/script/installer"
for percent in 0 40 90 100; do say "[INFO]upgradePercentage: $percent%"; done
install -m 0444 version.info "$d/version.info"
install -m 0755 install.sh "$d/script/installer/install.sh"
install -m 0644 common.sh package.info version.info "$d/script/installer/"
printf '#!/bin/bash\nexec "$(dirname "$(readlink -f "$0")")/installer/install.sh" --uninstall\n' > "$d/script/uninstall.sh"
chmod 0755 "$d/script/uninstall.sh"
info_set Firmware_Install_Type full $INFO
info_set Firmware_Install_Path_Param "$path" $INFO
chips=$(ls "$(r /dev)" 2>/dev/null | grep -c '^davinci[0-9]')
say "[INFO]The firmware of [$chips] chips are successfully upgraded."
done_as=installed
[ $upgrade = y ] && [ -n "$installed" ] && done_as=upgraded
say "[INFO]Firmware package $done_as successfully! Reboot now or after driver installation for the installation/upgrade to take effect."
end 0
