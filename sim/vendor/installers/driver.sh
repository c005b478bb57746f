#!/bin/bash
# Simulated Ascend NPU driver installer: what makeself runs after extracting
# Ascend-hdk-<chip>-npu-driver_<ver>_linux-<arch>.run. Flags, order of checks, messages and exit
# codes follow Huawei's driver install.sh; sim/vendor/README.md says where each one comes from.
#
# flag: --full                   install (--run is the same here)
# flag: --upgrade                upgrade the installed driver (installs one if there is none)
# flag: --uninstall              remove the installed driver (alone)
# flag: --quiet                  ask nothing
# flag: --install-for-all        let non-root users use the driver
# flag: --install-path=<dir>     default /usr/local/Ascend; not with --upgrade
# flag: --install-username=<u>   running user, with --install-usergroup (default HwHiAiUser)
# flag: --install-usergroup=<g>
# flag: --version                print the package version
set -u
cd "$(dirname "$0")" || exit 1
. ./common.sh
LOG_TAG=Driver
INFO=/etc/ascend_install.info
UNIT=ascend-sim-driver-load.service

end() { say "[INFO]End time: $(now)"; exit "$1"; }
fail() { say "[ERROR]$1"; end 1; }
daemon_reload() { [ -z "$ROOT" ] && [ -d /run/systemd/system ] && systemctl daemon-reload; return 0; }
placeholder() { mkdir -p "$(dirname "$1")"; echo "placeholder of the simulated Ascend driver $PKG_VERSION" > "$1"; }

if [ $# -eq 0 ]; then
  echo "[Driver] [$(now)] [ERROR]ERR_NO:0x0004;ERR_DES: Unrecognized parameters. Try './xxx.run --help' for more information."
  exit 1
fi
if ! is_root; then
  echo "[Driver] [$(now)] [ERROR]ERR_NO:0x0093;ERR_DES:do not have root permission, operation failed, please use root permission!"
  exit 1
fi
username=$(info_get UserName $INFO) usergroup=$(info_get UserGroup $INFO)
username=${username:-HwHiAiUser} usergroup=${usergroup:-HwHiAiUser}
say "[INFO]Start time: $(now)"
say "[INFO]LogFile: $INSTALL_LOG"
say "[INFO]OperationLogFile: /var/log/ascend_seclog/operation.log"

# i counts options that must stand alone, j the operations; the real script counts the same way.
i=0 j=0 type="" upgrade=n uninstall=n version=n quiet=n for_all=no for_all_given=n
path="" path_given=n user_given=n group_given=n
for arg in "$@"; do
  case $arg in
    --full|--run)
      i=$((i + 1)) j=$((j + 1))
      [ -n "$type" ] && fail "ERR_NO:0x0004;ERR_DES:only support one type: full/run/docker/devel/boot-server, operation failed!"
      type=full ;;
    --upgrade) i=$((i + 1)) j=$((j + 1)) upgrade=y ;;
    --uninstall) i=$((i + 1)) uninstall=y ;;
    --version) i=$((i + 1)) version=y ;;
    --quiet) i=$((i + 1)) quiet=y ;;
    --install-for-all) for_all=yes for_all_given=y ;;
    --install-path=*)
      i=$((i + 1)) path_given=y path=${arg#*=}
      [ -z "$path" ] && fail "ERR_NO:0x0003;ERR_DES:install path is null, install failed" ;;
    --install-username=*) i=$((i + 1)) user_given=y username=${arg#*=} ;;
    --install-usergroup=*) i=$((i + 1)) group_given=y usergroup=${arg#*=} ;;
    --docker|--devel|--vnpu_host|--vnpu_guest|--vnpu_docker_host|--boot-server-path=*)
      fail "$arg is a real option of the driver package that the simulation does not implement" ;;
    *) fail "ERR_NO:0x0004;ERR_DES: Unrecognized parameters: $arg. Try './xxx.run --help' for more information." ;;
  esac
done

# The real package asks before installing a driver that matches no chip of the machine (PCI scan).
if [ $upgrade = y ] || [ -n "$type" ]; then
  if [ "$(host_chip_family)" != "$PKG_CHIP" ]; then
    say "[WARNING]\033[33mThere is no chip matching the driver package.\033[0m"
    if [ $quiet = n ]; then
      say "[INFO]You are going to install a driver package which does not have a matching chip in the environment, do you want to continue? [y/n]"
      ask_yes_no
      case $? in 1) say "[INFO]Stop installation!"; end 0 ;; 2) end 1 ;; esac
    fi
  fi
  say "[WARNING]\033[33mDo not power off or restart the system during the installation/upgrade\033[0m"
fi

if [ $uninstall = y ] || [ $version = y ]; then
  [ $i -gt 1 ] && fail "ERR_NO:0x0004;ERR_DES:version/uninstall/check/boot-server can't use with other parameters."
else
  [ $j -ne 1 ] && fail "ERR_NO:0x0004;ERR_DES:param need used with full/run/docker/upgrade/devel."
  [ $path_given = y ] && [ $upgrade = y ] && fail "ERR_NO:0x0004;ERR_DES:install-path param need used with full/run/docker/devel."
  if [ $user_given = y ] && [ $group_given = y ]; then
    [ $upgrade = y ] && fail "ERR_NO:0x0004;ERR_DES:install-username and install-usergroup params need used with full/run/docker/devel."
  elif [ $user_given = y ] || [ $group_given = y ]; then
    say "[ERROR]ERR_NO:0x0004;ERR_DES:Username and usergroup are not specified at the same time."
    say "[ERROR]Please input the right params and try again."
    end 1
  fi
fi
if [ $user_given = y ]; then
  [ "$username" = root ] && [ $for_all = no ] && fail "ERR_NO:0x0091;ERR_DES:username not permission for root"
  [ "$usergroup" = root ] && [ $for_all = no ] && fail "ERR_NO:0x0091;ERR_DES:usergroup not permission for root"
fi
if [ $version = y ]; then
  say "[INFO]driver version :$PKG_VERSION"
  end 0
fi

installed=$(info_get Driver_Install_Path_Param $INFO)
if [ $uninstall = n ]; then
  if [ -n "$installed" ] && [ $user_given = y ]; then
    old_user=$(info_get UserName $INFO) old_group=$(info_get UserGroup $INFO)
    if [ -n "$old_user$old_group" ] && [ "$old_user:$old_group" != "$username:$usergroup" ]; then
      fail "ERR_NO:0x0095;ERR_DES:The user and group are not same with last installation,do not support overwriting installation"
    fi
  fi
  # Not in the driver's own script (its arch check is not public): the message is the CANN installers' one.
  [ "$(host_arch)" = "$PKG_ARCH" ] ||
    fail "ERR_NO:0x0001;ERR_DES:the architecture of the run package is inconsistent with that of the current environment. "
  user_exists "$username" || fail "ERR_NO:0x0091;ERR_DES:${username} not exists! Please add ${username}"
  group_exists "$usergroup" || fail "ERR_NO:0x0091;ERR_DES:${usergroup} group not exists! Please add ${usergroup} group"
  user_in_group "$username" "$usergroup" ||
    fail "ERR_NO:0x0096;ERR_DES:${usergroup} not right! Please check the relatianship of ${username} and ${usergroup}"
  say "[INFO]set username and usergroup, ${username}:${usergroup}"
  # An upgrade keeps the earlier --install-for-all unless it is given again.
  [ $upgrade = y ] && [ $for_all_given = n ] && [ -n "$installed" ] && for_all=$(info_get Driver_Install_For_All $INFO)
  [ $path_given = n ] && path=${installed:-/usr/local/Ascend}
  case $path in /*) ;; *) fail "ERR_NO:0x0003;ERR_DES:install-path input error, install failed" ;; esac
  path=${path%/}
  parent=$(dirname "$path")
  [ -d "$(r "$parent")" ] || [ "$path" = /usr/local/Ascend ] ||
    fail "ERR_NO:0x0003;ERR_DES:install path $parent not exists,runpackage only support create one level of directory,need create $parent."
fi

fw_compatible() {  # FIRMWARE_VERSION RANGES: is x.y.z within one of "[7.0.0,7.5.99],[...]"?
  python3 - "$1" "$2" <<'PY'
import re, sys
key = lambda v: [int(x) for x in re.findall(r"\d+", v)[:3]]
ranges = re.findall(r"\[([\d.]+),([\d.]+)\]", sys.argv[2])
sys.exit(0 if any(key(lo) <= key(sys.argv[1]) <= key(hi) for lo, hi in ranges) else 1)
PY
}

remove_driver() {  # PATH keep|drop: drop also forgets the installation in /etc/ascend_install.info
  rm -rf "$(r "$1/driver")" "$(r /usr/local/dcmi)" "$(r /lib/davinci.conf)"
  [ -L "$(r /usr/local/bin/npu-smi)" ] && rm -f "$(r /usr/local/bin/npu-smi)"
  rm -f "$(r /etc/systemd/system/$UNIT)" "$(r /etc/systemd/system/multi-user.target.wants/$UNIT)"
  rmdir "$(r "$1")" 2>/dev/null
  if [ "$2" = drop ]; then
    for key in Driver_Install_Path_Param Driver_Install_Type Driver_Install_Mode Driver_Install_For_All \
               Driver_Install_Status; do
      info_del $key $INFO
    done
    grep -qi Install_Path_Param "$(r $INFO)" 2>/dev/null || rm -f "$(r $INFO)"
  fi
  daemon_reload
}

install_driver() {  # Install|Upgrade
  local d done_as
  d=$(r "$path/driver")
  say "[INFO]driver install type: Direct"
  say "[INFO]upgradePercentage:10%"
  mkdir -p "$d/tools" "$d/script/installer" "$(r /usr/local/bin)" "$(r /etc/systemd/system/multi-user.target.wants)"
  install -m 0444 version.info "$d/version.info"
  for lib in lib64/driver/libascend_hal.so lib64/driver/libdrvdsmi_host.so lib64/common/libc_sec.so \
             lib64/common/libmmpa.so; do
    placeholder "$d/$lib"
  done
  placeholder "$(r /usr/local/dcmi/libdcmi.so)"
  placeholder "$(r /usr/local/dcmi/dcmi_interface_api.h)"
  say "[INFO]upgradePercentage:40%"
  install -m 0755 tools/* "$d/tools/"
  for tool in hccn_tool upgrade-tool; do
    printf '#!/bin/sh\necho "%s (simulated Ascend driver %s): not simulated" >&2\nexit 1\n' \
      "$tool" "$PKG_VERSION" > "$d/tools/$tool"
    chmod 0755 "$d/tools/$tool"
  done
  # Where current drivers put it: the Ascend Docker Runtime mounts /usr/local/bin/npu-smi (base.list; its 2.0 notes:
  # "适配训练驱动npu-smi位置从sbin移动到bin"), as every vllm-ascend doc does.
  ln -sfn "$path/driver/tools/npu-smi" "$(r /usr/local/bin/npu-smi)"
  # The real <path>/driver/script/uninstall.sh: here a copy of this installer run with --uninstall.
  install -m 0755 install.sh "$d/script/installer/install.sh"
  install -m 0644 common.sh package.info version.info "$d/script/installer/"
  printf '#!/bin/bash\nexec "$(dirname "$(readlink -f "$0")")/installer/install.sh" --uninstall\n' > "$d/script/uninstall.sh"
  chmod 0755 "$d/script/uninstall.sh"
  mkdir -p "$(r /lib)"
  echo "DAVINCI_HOME_PATH=$path" > "$(r /lib/davinci.conf)"
  # Kernel modules load at every boot; in a container this unit stands in for them (and for /dev).
  cat > "$(r /etc/systemd/system/$UNIT)" <<UNIT
[Unit]
Description=Simulated Ascend NPU driver load (npuops sim, driver $PKG_VERSION)
After=local-fs.target
Before=docker.service containerd.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=$path/driver/tools/ascend-sim-driver-load

[Install]
WantedBy=multi-user.target
UNIT
  ln -sfn ../$UNIT "$(r /etc/systemd/system/multi-user.target.wants/$UNIT)"
  daemon_reload
  [ -n "$(info_get UserName $INFO)" ] || info_set UserName "$username" $INFO
  [ -n "$(info_get UserGroup $INFO)" ] || info_set UserGroup "$usergroup" $INFO
  info_set Driver_Install_Type full $INFO
  info_set Driver_Install_Path_Param "$path" $INFO
  info_set Driver_Install_For_All "$for_all" $INFO
  info_set Driver_Install_Mode normal $INFO
  info_set Driver_Install_Status complete $INFO
  say "[INFO]upgradePercentage:100%"

  done_as=installed
  [ "$1" = Upgrade ] && done_as=upgraded
  # A driver already in the kernel stays there until reboot; on a clean machine the installer loads it.
  if [ -f "$(r /run/npuops-sim/driver-loaded)" ]; then
    say "[INFO]\033[32mDriver package $done_as successfully! \033[0m\033[31mReboot needed for installation/upgrade to take effect! \033[0m"
    end 2  # the real exit code of "installed, but the hot reset failed"
  fi
  ASCEND_SIM_ROOT=$ROOT "$d/tools/ascend-sim-driver-load" > /dev/null
  say "[INFO]\033[32mDriver package $done_as successfully! The new version takes effect immediately. \033[0m"
  end 0
}

# ver_check.sh: the installed firmware must be in this driver's compatible_version_fw.
firmware=$(version_of "$(info_get Firmware_Install_Path_Param $INFO)/firmware/version.info")
if [ $uninstall = n ] && [ -n "$firmware" ]; then
  if fw_compatible "$firmware" "$(sed -n 's/^compatible_version_fw=//p' version.info)"; then
    say "[INFO]driver and firmware version relationship check success"
  else
    say "[WARNING]driver and firmware version relationship check fail"
    if [ $quiet = n ]; then
      echo "[WARNING]driver required firmware version not match ,do you want to continue?  [y/n] "
      ask_yes_no
      case $? in 1) echo "Stop installation!"; exit 1 ;; 2) end 1 ;; esac
    fi
  fi
fi

if [ -z "$installed" ]; then
  [ $uninstall = y ] && fail "ERR_NO:0x0080;ERR_DES:Driver package is not installed on this device, uninstall failed"
  install_driver Install  # an --upgrade with nothing installed installs, as the real script does
fi
old=$(version_of "$installed/driver/version.info")
[ -n "$old" ] && say "[INFO]base version is ${old}."
if [ $uninstall = y ]; then
  remove_driver "$installed" drop
  if [ -f "$(r /run/npuops-sim/driver-loaded)" ]; then
    say "[INFO]\033[32mDriver package uninstalled successfully! \033[0m\033[31mReboot needed for uninstallation to take effect! \033[0m"
  else
    say "[INFO]\033[32mDriver package uninstalled successfully! Uninstallation takes effect immediately. \033[0m"
  fi
  end 0
fi
if [ $upgrade = n ] && [ $quiet = n ] && [ -n "$old" ]; then
  say "[INFO]Driver package has been installed on the path $installed, the version is ${old}, and the version of this package is ${PKG_VERSION},do you want to continue?  [y/n] "
  ask_yes_no
  case $? in 1) say "[INFO]Stop installation!"; end 0 ;; 2) end 1 ;; esac
fi
remove_driver "$installed" keep
[ $upgrade = y ] && install_driver Upgrade
install_driver Install
