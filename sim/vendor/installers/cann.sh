#!/bin/bash
# Simulated CANN installers, one script for three packages: Ascend-cann-toolkit_<ver>_linux-<arch>.run,
# the chip operator package Ascend-cann-<chip>-ops_<ver>_linux-<arch>.run (CANN 8.5's name for the
# old Ascend-cann-kernels-<chip>) and Ascend-cann-nnal_<ver>_linux-<arch>.run.
# CANN 8.5 layout: the files live in <path>/cann-<ver>; <path>/cann and <path>/ascend-toolkit/latest
# point at the version in use, and both <path>/cann-<ver> and <path>/ascend-toolkit have a set_env.sh.
#
# flag: --install                install (--full is the same here)
# flag: --upgrade                replace the installed version of this package
# flag: --uninstall              remove this version of the package (alone)
# flag: --quiet                  ask nothing
# flag: --install-for-all        let other users use it
# flag: --install-path=<dir>     default /usr/local/Ascend
# flag: --force                  accepted, no effect
# flag: --version                print the package version
set -u
cd "$(dirname "$0")" || exit 1
. ./common.sh
DATE_FMT="%Y%m%d-%H:%M:%S"
case $PKG_KIND in
  toolkit) LOG_TAG=Toolkit NAME=Ascend-cann-toolkit SUMMARY=Toolkit ;;
  ops) LOG_TAG=Ops NAME=Ascend-cann-$PKG_CHIP-ops SUMMARY=ops_$PKG_CHIP ;;
  nnal) LOG_TAG=NNAL NAME=Ascend-cann-nnal SUMMARY=NNAL ;;
esac
VER=$PKG_VERSION
ARCH=$PKG_ARCH

fail() { say "[ERROR]: $1"; exit 1; }

n_op=0 n_alone=0 op="" quiet=n path=/usr/local/Ascend
for arg in "$@"; do
  case $arg in
    --install|--full) n_op=$((n_op + 1)) op=install ;;
    --upgrade) n_op=$((n_op + 1)) op=upgrade ;;
    --uninstall) n_alone=$((n_alone + 1)) op=uninstall ;;
    --version) n_alone=$((n_alone + 1)) op=version ;;
    --quiet) quiet=y ;;
    --install-for-all|--force) ;;
    --install-path=*) path=${arg#*=} ;;
    *)
      echo "ERR_NO:0x0004;ERR_DES: Unsupported parameters : $arg"
      say "[INFO]: Usage: ./${RUN_NAME} -- arg1 [arg2 ...]"
      exit 1 ;;
  esac
done
[ $n_op -gt 1 ] && fail "ERR_NO:0x0004;ERR_DES:only support one type: full/run/upgrade, operation failed!"
[ $n_alone -gt 1 ] || { [ $n_alone = 1 ] && [ $n_op -gt 0 ]; } &&
  fail "ERR_NO:0x0004;ERR_DES:version/uninstall/check can't use with other parameters."
[ -z "$op" ] && fail "ERR_NO:0x0004;ERR_DES:param need used with full/run/uninstall/upgrade."
if [ "$op" = version ]; then
  say "[INFO]: $NAME version :$VER"
  exit 0
fi
case $path in /*) ;; *) fail "ERR_NO:0x0080;ERR_DES:The install_path $path is invalid." ;; esac
path=${path%/}
VDIR=$path/cann-$VER
toolkit_info() { echo "$path/cann-$1/$ARCH-linux/ascend_toolkit_install.info"; }
ops_info() { echo "$path/cann-$1/$ARCH-linux/ascend_ops_install.info"; }
owner_of_ops() { sed -n 's/^package_name=//p' "$(r "$(ops_info "$1")")" 2>/dev/null; }
in_use() { readlink "$(r "$path/cann")" | sed 's/^cann-//'; }
nnal_in_use() { readlink "$(r "$path/nnal/atb/latest")"; }

# Is this package installed at VERSION (toolkit, ops, nnal each keep their own record)?
installed_at() {
  case $PKG_KIND in
    toolkit) [ -f "$(r "$(toolkit_info "$1")")" ] ;;
    ops) [ "$(owner_of_ops "$1")" = "$NAME" ] ;;
    nnal) [ -f "$(r "$path/nnal/atb/$1/version.info")" ] ;;
  esac
}

installed_versions() {  # every version of this package in the install path, oldest first
  local dirs
  if [ "$PKG_KIND" = nnal ]; then dirs=$(ls "$(r "$path/nnal/atb")" 2>/dev/null)
  else dirs=$(ls -d "$(r "$path")"/cann-* 2>/dev/null | sed 's/.*cann-//'); fi
  for v in $(echo "$dirs" | sort -V); do installed_at "$v" && echo "$v"; done
  return 0
}

remove_version() {  # VERSION: this package's files of that version, then empty directories
  local v=$1 vd=$path/cann-$1
  case $PKG_KIND in
    toolkit) rm -rf "$(r "$vd/set_env.sh")" "$(r "$vd/bin")" "$(r "$vd/lib64")" "$(r "$(toolkit_info "$v")")" \
                    "$(r "$vd/$ARCH-linux/script/toolkit")" ;;
    ops) rm -rf "$(r "$vd/opp")" "$(r "$(ops_info "$v")")" "$(r "$vd/$ARCH-linux/script/ops")" ;;
    nnal) rm -rf "$(r "$path/nnal/atb/$v")" ;;
  esac
  [ -d "$(r "$vd")" ] && find "$(r "$vd")" -depth -type d -empty -delete
  return 0
}

write_set_env() {  # FILE VERSION_DIR: what the real set_env.sh exports that callers rely on
  mkdir -p "$(dirname "$1")"
  cat > "$1" <<ENV
# CANN $VER environment (simulated; the real script sets more, e.g. PYTHONPATH and TOOLCHAIN_HOME)
export ASCEND_TOOLKIT_HOME=$2
export ASCEND_HOME_PATH=$2
export ASCEND_OPP_PATH=$2/opp
export ASCEND_AICPU_PATH=$2
export LD_LIBRARY_PATH=/usr/local/Ascend/driver/lib64:/usr/local/Ascend/driver/lib64/common:/usr/local/Ascend/driver/lib64/driver:$2/lib64:\${LD_LIBRARY_PATH:-}
export PATH=$2/bin:\$PATH
ENV
}

# Point <path>/cann and <path>/ascend-toolkit at VERSION, or at the newest toolkit left, or remove them.
relink() {
  local v=${1:-} cand
  if [ -z "$v" ]; then
    for cand in $(cd "$(r "$path")" 2>/dev/null && ls -d cann-* 2>/dev/null | sed 's/^cann-//' | sort -V); do
      [ -f "$(r "$(toolkit_info "$cand")")" ] && v=$cand
    done
  fi
  rm -f "$(r "$path/cann")" "$(r "$path/ascend-toolkit/latest")"
  find "$(r "$path/ascend-toolkit")" -maxdepth 1 -type l -delete 2>/dev/null
  if [ -z "$v" ]; then
    rm -rf "$(r "$path/ascend-toolkit")" "$(r /etc/Ascend/ascend_cann_install.info)"
    return 0
  fi
  mkdir -p "$(r "$path/ascend-toolkit")"
  ln -s "cann-$v" "$(r "$path/cann")"
  ln -s "../cann-$v" "$(r "$path/ascend-toolkit/latest")"
  for cand in $(cd "$(r "$path")" && ls -d cann-* | sed 's/^cann-//'); do
    [ -f "$(r "$(toolkit_info "$cand")")" ] && ln -s "../cann-$cand" "$(r "$path/ascend-toolkit/$cand")"
  done
  write_set_env "$(r "$path/ascend-toolkit/set_env.sh")" "$path/cann-$v"
  echo "export ASCEND_TOOLKIT_LATEST_HOME=$path/ascend-toolkit/latest" >> "$(r "$path/ascend-toolkit/set_env.sh")"
  info_set Toolkit_InstallPath "$path/cann-$v" /etc/Ascend/ascend_cann_install.info
}

copy_installer() {  # DIR UNINSTALL_SCRIPT_NAME: the installed uninstall script runs a copy of this installer
  mkdir -p "$1"
  install -m 0755 install.sh "$1/install.sh"
  install -m 0644 common.sh package.info "$1/"
  printf '#!/bin/bash\nexec "$(dirname "$(readlink -f "$0")")/install.sh" --uninstall --install-path=%s\n' "$path" > "$1/$2"
  chmod 0755 "$1/$2"
}

install_files() {
  local d a
  d=$(r "$VDIR") a=$(r "$VDIR/$ARCH-linux")
  case $PKG_KIND in
    toolkit)
      mkdir -p "$d/bin" "$d/lib64" "$a"
      echo "placeholder of the simulated CANN toolkit $VER" > "$d/lib64/libascendcl.so"
      printf '%s\n' "package_name=$NAME" "version=$VER" "innerversion=$PKG_INNERVERSION" \
        "compatible_version=[V100R001C15],[V100R001C18],[V100R001C19],[V100R001C20],[V100R001C21],[V100R001C23]" \
        "arch=$ARCH" os=linux "path=$VDIR/$ARCH-linux" > "$a/ascend_toolkit_install.info"
      write_set_env "$d/set_env.sh" "$VDIR"
      copy_installer "$a/script/toolkit" uninstall.sh
      relink "$VER" ;;
    ops)
      local kernel=ascend910b
      [ "$PKG_CHIP" = A3 ] && kernel=ascend910_93
      mkdir -p "$d/opp/built-in/op_impl/ai_core/tbe/kernel/$kernel"
      echo "placeholder of the simulated $NAME $VER" > "$d/opp/built-in/op_impl/ai_core/tbe/kernel/$kernel/README"
      printf '%s\n' "package_name=$NAME" "version=$VER" "innerversion=$PKG_INNERVERSION" \
        "arch=$ARCH" os=linux "path=$VDIR/$ARCH-linux" > "$a/ascend_ops_install.info"
      copy_installer "$a/script/ops" ops_uninstall.sh ;;
    nnal)
      local n
      n=$(r "$path/nnal/atb")
      for abi in 0 1; do
        mkdir -p "$n/$VER/atb/cxx_abi_$abi/lib"
        echo "placeholder of the simulated NNAL $VER" > "$n/$VER/atb/cxx_abi_$abi/lib/libatb.so"
      done
      printf '    %s\n' "Ascend-cann-atb : $VER" "Ascend-cann-atb Version : $VER.B100" "Platform : $ARCH" \
        > "$n/$VER/version.info"
      copy_installer "$n/$VER/atb/script" uninstall.sh
      ln -sfn "$VER" "$n/latest"
      cat > "$n/set_env.sh" <<ENV
# NNAL ATB environment (simulated); --cxx_abi=0|1 picks the library build, 1 by default
abi=1
for arg in "\$@"; do case \$arg in --cxx_abi=*) abi=\${arg#*=} ;; esac; done
export ATB_HOME_PATH=$path/nnal/atb/latest/atb/cxx_abi_\$abi
export LD_LIBRARY_PATH=\$ATB_HOME_PATH/lib:\${LD_LIBRARY_PATH:-}
ENV
      ;;
  esac
}

summary() {  # VERB
  local env_file=$VDIR/set_env.sh driver
  [ "$PKG_KIND" = nnal ] && env_file=$path/nnal/atb/set_env.sh
  driver=$(info_get Driver_Install_Path_Param /etc/ascend_install.info)
  echo "==========="
  echo "= Summary ="
  echo "==========="
  echo
  if [ -n "$driver" ]; then echo "Driver:    Installed in $driver/driver."; else echo "Driver:    Not installed."; fi
  echo "$SUMMARY:  ${RUN_NAME%.run} $1 success, installed in $path."
  echo
  echo "Please make sure that the environment variables have been configured."
  echo "-  To take effect for all users, you can add \"source $env_file\" to /etc/profile."
  echo "-  To take effect for current user, you can exec command below: source $env_file or add \"source $env_file\" to ~/.bashrc."
}

say "[INFO]: Start time: $(now)"
say "[INFO]: LogFile: $INSTALL_LOG"

if [ "$op" = uninstall ]; then
  installed_at "$VER" || fail "ERR_NO:0x0080;ERR_DES:Runfile is not installed on this device, uninstall failed"
  remove_version "$VER"
  case $PKG_KIND in
    toolkit)
      if [ "$(in_use)" = "$VER" ]; then relink; else relink "$(in_use)"; fi ;;
    nnal)
      if [ "$(nnal_in_use)" = "$VER" ]; then
        rm -f "$(r "$path/nnal/atb/latest")"
        left=$(cd "$(r "$path/nnal/atb")" && ls -d */ 2>/dev/null | tr -d / | sort -V | tail -1)
        if [ -n "$left" ]; then ln -s "$left" "$(r "$path/nnal/atb/latest")"; else rm -rf "$(r "$path/nnal")"; fi
      fi ;;
  esac
  rmdir "$(r "$path")" 2>/dev/null
  say "[INFO]: $LOG_TAG package uninstalled successfully! Uninstallation takes effect immediately."
  exit 0
fi

old=""
if [ "$op" = upgrade ]; then
  old=$(installed_versions | tail -1)
  [ -n "$old" ] || fail "ERR_NO:0x0080;ERR_DES:Runfile is not installed on this device, upgrade failed"
fi
[ "$(host_arch)" = "$ARCH" ] ||
  fail "ERR_NO:0x0001;ERR_DES:the architecture of the run package is inconsistent with that of the current environment. "

# Made-up messages (the real texts are not public): operators need the toolkit of the same version in the
# same path, one chip's operators per path, and NNAL needs the toolkit's set_env.sh sourced.
case $PKG_KIND in
  ops)
    [ -f "$(r "$(toolkit_info "$VER")")" ] ||
      fail "ERR_NO:0x0080;ERR_DES:Ascend-cann-toolkit $VER is not installed in $path, install it before $NAME"
    other=$(owner_of_ops "$VER")
    [ -z "$other" ] || [ "$other" = "$NAME" ] ||
      fail "ERR_NO:0x0080;ERR_DES:$other is installed in $VDIR, ops packages of different chips cannot share an install path" ;;
  nnal)
    [ -n "${ASCEND_TOOLKIT_HOME:-}" ] && [ -f "$(r "$ASCEND_TOOLKIT_HOME/$ARCH-linux/ascend_toolkit_install.info")" ] ||
      fail "ERR_NO:0x0080;ERR_DES:The toolkit environment is not set, please install Ascend-cann-toolkit and source its set_env.sh first" ;;
esac

if [ "$op" = install ] && [ $quiet = n ] && installed_at "$VER"; then
  say "[INFO]: $NAME package has been installed on the path $path, the version is $VER, and the version of this package is $VER, do you want to continue? [y/n]"
  ask_yes_no
  case $? in 1) say "[INFO]: stop installation!"; exit 0 ;; 2) exit 1 ;; esac
fi
[ -n "$old" ] && remove_version "$old"
installed_at "$VER" && remove_version "$VER"
install_files
verb=install
[ "$op" = upgrade ] && verb=upgrade
say "[INFO] $NAME $verb success"
summary "$verb"
exit 0
