#!/bin/bash
# Simulated Ascend Docker Runtime installer: what makeself runs after extracting
# Ascend-docker-runtime_<ver>_linux-<arch>.run. Follows MindCluster's build/scripts/run_main.sh:
# its flags, its messages, its log, and its edit of /etc/docker/daemon.json (docker is the default
# scene). The installed runtime hands every call to runc: no device injection from ASCEND_VISIBLE_DEVICES.
#
# flag: --install                install
# flag: --upgrade                upgrade the installed runtime
# flag: --uninstall              remove it and its daemon.json settings
# flag: --install-path=<dir>     the runtime goes to <dir>/Ascend-Docker-Runtime (default /usr/local/Ascend)
# flag: --install-scene=docker   the default; containerd, crio and isula are not simulated
# flag: --quiet                  accepted
# flag: --version                print the version
set -u
cd "$(dirname "$0")" || exit 1
. ./common.sh
umask 027  # as run_main.sh
RT=ascend-docker-runtime
RT_LOG=/var/log/ascend-docker-runtime/installer.log
INSTALL_PATH=/usr/local/Ascend/Ascend-Docker-Runtime
CONF_DIR=/etc/ascend-docker-runtime.d
DAEMON=/etc/docker/daemon.json
FILES="ascend-docker-runtime ascend-docker-hook ascend-docker-cli ascend-docker-plugin-install-helper ascend-docker-destroy"

log() {  # LEVEL MESSAGE, to the terminal and to the runtime's own installer log
  echo "$1 $2"
  mkdir -p "$(r "$(dirname "$RT_LOG")")"
  echo "$1 [$(date +'%Y/%m/%d %H:%M:%S')] [uid: $(id -u)] [localhost] [$RT] $2" >> "$(r "$RT_LOG")"
}
print_help() {
  echo "Error input"
  echo "Usage: ./Ascend-docker-runtime_${PKG_VERSION}_linux-$(host_arch).run [options]"
  sed -n 's/^# flag: /  /p' "$(basename "$0")"
}
check_platform() {
  local plat
  plat=$(host_arch)
  if [[ $RUN_NAME =~ $plat ]]; then
    echo "[INFO] platform($plat) matched!"
  else
    echo "[ERROR] platform($plat) mismatch for $RUN_NAME, please check it"
    log "[ERROR]" "$1 failed, run package and os not matched in arch"
    exit 1
  fi
}
copy_files() {
  local d
  d=$(r "$INSTALL_PATH")
  mkdir -p "$d/script" "$(r "$CONF_DIR")"
  install -m 0550 ascend-docker-runtime ascend-docker-plugin-install-helper "$d/"
  for tool in ascend-docker-hook ascend-docker-cli ascend-docker-destroy; do
    printf '#!/bin/sh\necho "%s (simulated Ascend Docker Runtime %s): not simulated" >&2\nexit 0\n' \
      "$tool" "$PKG_VERSION" > "$d/$tool"
    chmod 0550 "$d/$tool"
  done
  echo "Ascend Docker Runtime $PKG_VERSION (simulated by npuops): runc plus the ASCEND_VISIBLE_DEVICES devices." > "$d/README.md"
  install -m 0500 install.sh "$d/script/installer.sh"
  install -m 0644 common.sh package.info "$d/script/"
  printf '#!/bin/bash\nexec "$(dirname "$(readlink -f "$0")")/installer.sh" --uninstall --install-path=%s\n' \
    "$(dirname "$INSTALL_PATH")" > "$d/script/uninstall.sh"
  chmod 0500 "$d/script/uninstall.sh"
  printf '%s\n' /usr/local/Ascend/driver/lib64 /usr/local/dcmi /usr/local/bin/npu-smi > "$(r "$CONF_DIR/base.list")"
  chmod 0440 "$(r "$CONF_DIR/base.list")"
  printf '%s\n' "version=v$PKG_VERSION" "arch=$(host_arch)" os=linux "path=$INSTALL_PATH" \
    "build=Ascend-docker-runtime_$PKG_VERSION-$(host_arch)" a500=n a500a2=n a200=n a200isoc=n a200ia2=n \
    install-scene=docker config-file-path= > "$d/ascend_docker_runtime_install.info"
}

if ! is_root; then
  log "[ERROR]" "failed, please run with root permission"
  exit 1
fi
install=n uninstall=n upgrade=n path_given=n scene_given=n
for arg in "$@"; do
  case $arg in
    --install) install=y ;;
    --uninstall) uninstall=y ;;
    --upgrade) upgrade=y ;;
    --quiet) ;;
    --version) echo "$RT version: $PKG_VERSION"; exit 0 ;;
    --install-path=*) path_given=y INSTALL_PATH=${arg#*=}/Ascend-Docker-Runtime ;;
    --install-scene=docker) scene_given=y ;;
    --install-scene=containerd|--install-scene=crio|--install-scene=isula|--install-type=*|--ce=*|--config-file-path=*)
      log "[ERROR]" "failed, $arg is a real option that the simulation does not implement"
      exit 1 ;;
    --install-scene=*) log "[ERROR]" "failed, please check the parameter of --install-scene=<scene>"; exit 1 ;;
    *) log "[ERROR]" "failed, unsupported parameters: $arg"; print_help; exit 1 ;;
  esac
done
INSTALL_PATH=$(echo "$INSTALL_PATH" | sed 's#//*#/#g')
if [ $path_given = y ] && [ $install$uninstall$upgrade = nnn ]; then
  log "[ERROR]" "failed, only input <install_path> command. When use --install-path you also need input --install or --uninstall or --upgrade"
  exit 1
fi
if [ $scene_given = y ] && [ $install$uninstall$upgrade = nnn ]; then
  log "[ERROR]" "failed, only input <install-scene> command. When use --install-scene you also need input --install or --uninstall or --upgrade"
  exit 1
fi
case $INSTALL_PATH in /*) ;; *) echo "[ERROR]: install path: $INSTALL_PATH is a relative path, please use absolute path"; exit 1 ;; esac

if [ $install = y ]; then
  echo "[INFO] installing $RT"
  check_platform install
  copy_files
  echo "[INFO] install executable files success"
  echo "[INFO] install scene is 'docker'."
  mkdir -p "$(r "$(dirname "$DAEMON")")"
  if ! "$(r "$INSTALL_PATH")/ascend-docker-plugin-install-helper" add "$(r "$DAEMON")" "$(r "$DAEMON").$$" \
       "$INSTALL_PATH/ascend-docker-runtime" no docker > /dev/null; then
    log "[ERROR]" "install failed, './ascend-docker-plugin-install-helper add $DAEMON $DAEMON.$$ $INSTALL_PATH/ascend-docker-runtime no docker ' return non-zero"
    exit 1
  fi
  mv -f "$(r "$DAEMON").$$" "$(r "$DAEMON")"
  chmod 600 "$(r "$DAEMON")"
  log "[INFO]" "$DAEMON modify success"
  echo "[INFO] $RT has been installed in: $INSTALL_PATH"
  echo "[INFO] The version of $RT is: $PKG_VERSION"
  echo "[INFO] please reboot daemon and container engine to take effect"
  log "[INFO]" "$RT install success"
  exit 0
fi
if [ $uninstall = y ]; then
  echo "[INFO] uninstalling $RT $PKG_VERSION"
  if [ ! -d "$(r "$INSTALL_PATH")" ]; then
    log "[WARNING]" "uninstall skipping, the specified install path does not exist"
    exit 0
  fi
  if [ -f "$(r "$DAEMON")" ]; then
    "$(r "$INSTALL_PATH")/ascend-docker-plugin-install-helper" rm "$(r "$DAEMON")" "$(r "$DAEMON").$$" > /dev/null &&
      mv -f "$(r "$DAEMON").$$" "$(r "$DAEMON")"
  fi
  rm -rf "$(r "$INSTALL_PATH")" "$(r "$CONF_DIR")"
  rmdir "$(r "$(dirname "$INSTALL_PATH")")" 2>/dev/null
  log "[INFO]" "$RT uninstall success"
  exit 0
fi
if [ $upgrade = y ]; then
  echo "[INFO] upgrading $RT"
  check_platform upgrade
  if [ ! -d "$(r "$INSTALL_PATH")" ]; then
    log "[ERROR]" "upgrade failed, the specified install path does not exist, stopping upgrading"
    exit 1
  fi
  copy_files
  echo "[INFO] $RT has been installed in: $INSTALL_PATH"
  echo "[INFO] upgrade $RT success"
  echo "[INFO] The version of $RT is: v$PKG_VERSION"
  log "[INFO]" "$RT upgrade success"
  exit 0
fi
print_help
exit 0
