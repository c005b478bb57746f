#!/usr/bin/env bash
# Build the simulated Huawei Ascend .run packages and their SHA256SUMS.
#
#   sim/vendor/build.sh [--arch ARCH] [OUTDIR]
#
# OUTDIR defaults to $NPUOPS_SIM_STATE/artifacts/ascend, which the site's artifact server publishes.
# The packages are makeself archives like the real ones; what their installers do is in README.md.
# A second run with the same inputs rebuilds nothing, and the archives are reproducible (fixed
# packaging date, file times, owners and gzip header), so checksums stay stable on one machine.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
arch=$(uname -m)
if [ "${1:-}" = "--arch" ]; then
  arch=${2:?--arch needs a value (x86_64 or aarch64)}
  shift 2
fi
out=${1:-${NPUOPS_SIM_STATE:-/var/tmp/npuops-sim}/artifacts/ascend}
case $arch in x86_64|aarch64) ;; *) echo "build.sh: unsupported arch $arch" >&2; exit 2 ;; esac

command -v makeself >/dev/null || "$repo/sim/bin/apt-ensure.sh" makeself
mkdir -p "$out"
out=$(cd "$out" && pwd)

# Everything that ends up in an archive, plus the tools that shape its bytes.
inputs_hash() {
  (
    cd "$repo"
    sha256sum sim/vendor/build.sh sim/vendor/makeself_header.py sim/vendor/installers/* \
      sim/npu/npu-smi sim/npu/make-devices sim/npu/make-sysfs /usr/share/makeself/makeself-header.sh
    makeself --version
    tar --version | head -1
    gzip --version | head -1
    echo "arch=$arch"
  ) | sha256sum | cut -d' ' -f1
}
hash=$(inputs_hash)
stamp=$out/.inputs.sha256
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ] && [ -f "$out/SHA256SUMS" ] &&
   (cd "$out" && sha256sum --quiet --strict -c SHA256SUMS >/dev/null 2>&1); then
  echo "build.sh: inputs unchanged (${hash:0:12}), nothing rebuilt in $out"
  exit 0
fi

umask 022
stage=$out/.stage
rm -rf "$stage"
mkdir -p "$stage"
trap 'rm -rf "$stage"' EXIT
if [ -f "$out/SHA256SUMS" ]; then  # packages of an older package list must not linger
  (cd "$out" && awk '{print $2}' SHA256SUMS | xargs -r rm -f)
fi
python3 "$here/makeself_header.py" "$stage/header.sh"

# HDK drivers spell x86_64 as "x86-64" in their file names (Ascend-hdk-910b-npu-driver_25.5.2_linux-x86-64.run);
# CANN and the docker runtime keep uname's "x86_64".
hdk_arch=${arch/x86_64/x86-64}
epoch=1735689600  # 2025-01-01T00:00:00Z: the packaging date and every file time in the archives
built=()

# pkg KIND CHIP VERSION FILE LABEL [INNERVERSION]: stage one payload; the kind's extra files go in by the caller.
pkg() {
  kind=$1 chip=$2 version=$3 file=$4 label=$5
  dir=$stage/${file%.run}
  mkdir -p "$dir"
  installer=$kind
  case $kind in toolkit|ops|nnal) installer=cann ;; esac
  install -m 0755 "$here/installers/$installer.sh" "$dir/install.sh"
  install -m 0644 "$here/installers/common.sh" "$dir/common.sh"
  cat > "$dir/package.info" <<INFO
PKG_KIND=$kind
PKG_CHIP=$chip
PKG_VERSION=$version
PKG_ARCH=$([ "$kind" = firmware ] || echo "$arch")
PKG_FILE=$file
PKG_INNERVERSION=${6:-}
INFO
}

# seal: turn the staged payload into OUTDIR/FILE.
seal() {
  {
    echo "Options of this package (any other is refused by its installer):"
    sed -n 's/^# flag: /  /p' "$dir/install.sh"
  } > "$stage/help-$file.txt"
  (
    cd "$stage"
    # Quote-free flag values: makeself splits --tar-extra and eval's the gzip command line (-n: no name, no time).
    makeself --quiet --nox11 --sha256 --nomd5 --nocrc --export-conf --keep-umask --complevel "9 -n" \
      --header ./header.sh --help-header "./help-$file.txt" \
      --packaging-date "$(LC_ALL=C date -u -d "@$epoch")" \
      --tar-extra "--mtime=@$epoch --owner=0 --group=0 --numeric-owner" \
      "${file%.run}" "../$file" "$label" ./install.sh
  )
  built+=("$file")
}

driver_version_info() {  # VERSION: the version.info the real package puts in <path>/driver/
  case $1 in
    24.1.0) hal=7.35.19 inner=V100R001C19SPC002B220 compat='[V100R001C15],[V100R001C17],[V100R001C18],[V100R001C19]' fw='[7.0.0,7.5.99]' ;;
    25.0.rc1.1) hal=7.35.23 inner=V100R001C21SPC002B220 compat='[V100R001C17],[V100R001C18],[V100R001C19],[V100R001C20],[V100R001C21]' fw='[7.0.0,7.7.99]' ;;
    25.5.1) hal=7.35.25 inner=V100R001C25SPC002B220 compat='[V100R001C21],[V100R001C23],[V100R001C25]' fw='[7.0.0,7.8.99]' ;;
  esac
  printf '%s\n' "Version=$1" "ascendhal_version=$hal" aicpu_version=1.0 tdt_version=1.0 log_version=1.0 \
    prof_version=2.0 dvppkernels_version=1.1 tsfw_version=1.0 "Innerversion=$inner" \
    "compatible_version=$compat" "compatible_version_fw=$fw" "package_version=$1"
}

firmware_version_info() {  # VERSION
  case $1 in
    7.5.0.1.129) pkgver=24.1.rc3 drv='[23.0.0,23.0.0.],[24.0,24.0.],[24.1,24.1.]' ;;
    7.7.0.1.231) pkgver=25.0.rc1.1 drv='[23.0.0,23.0.0.],[24.0,24.0.],[24.1,24.1.],[25.0,25.0.]' ;;
    7.8.0.6.201) pkgver=25.5.1 drv='[24.1,24.1.],[25.0,25.0.],[25.2,25.2.],[25.3,25.3.],[25.5,25.5.]' ;;
  esac
  printf '%s\n' "Version=$1" firmware_version=1.0 "package_version=$pkgver" "compatible_version_drv=$drv"
}

for prefix in Ascend-hdk-910b:910b Atlas-A3-hdk:a3; do
  name=${prefix%:*} chip=${prefix#*:}
  # 25.5.1 meets vllm-ascend's driver floor for the default release (25.5.0); the older ones are below it.
  for v in 24.1.0 25.0.rc1.1 25.5.1; do
    label="ASCEND-HDK-$(echo "$chip" | tr a-z A-Z)-NPU DRIVER RUN PACKAGE"
    [ "$v" = 24.1.0 ] && label="ASCEND DRIVER RUN PACKAGE"  # older drivers carry the generic label
    pkg driver "$chip" "$v" "${name}-npu-driver_${v}_linux-${hdk_arch}.run" "$label"
    driver_version_info "$v" > "$dir/version.info"
    mkdir -p "$dir/tools"
    install -m 0755 "$repo/sim/npu/npu-smi" "$repo/sim/npu/make-devices" "$repo/sim/npu/make-sysfs" \
      "$here/installers/ascend-sim-driver-load" "$dir/tools/"
    seal
  done
  for v in 7.5.0.1.129 7.7.0.1.231 7.8.0.6.201; do
    pkg firmware "$chip" "$v" "${name}-npu-firmware_${v}.run" \
      "ASCEND-HDK-$(echo "$chip" | tr a-z A-Z)-NPU FIRMWARE RUN PACKAGE"
    firmware_version_info "$v" > "$dir/version.info"
    seal
  done
done

for v in 8.5.0 8.5.1; do
  inner=V100R001C25SPC001B212
  [ "$v" = 8.5.1 ] && inner=V100R001C25SPC002B220
  pkg toolkit "" "$v" "Ascend-cann-toolkit_${v}_linux-${arch}.run" "ASCEND-CANN-TOOLKIT RUN PACKAGE" "$inner"
  seal
  # CANN 8.5 renamed the chip kernels package Ascend-cann-kernels-<chip> to Ascend-cann-<chip>-ops.
  for chip in 910b A3; do
    pkg ops "$chip" "$v" "Ascend-cann-${chip}-ops_${v}_linux-${arch}.run" "ASCEND-CANN-OPS RUN PACKAGE" "$inner"
    seal
  done
  pkg nnal "" "$v" "Ascend-cann-nnal_${v}_linux-${arch}.run" "ASCEND-CANN-NNAL RUN PACKAGE" "$inner"
  seal
done

for v in 6.0.0 7.0.RC1; do
  pkg docker-runtime "" "$v" "Ascend-docker-runtime_${v}_linux-${arch}.run" "ascend-docker-runtime"
  install -m 0755 "$here/installers/ascend-docker-runtime" "$here/installers/ascend-docker-plugin-install-helper" "$dir/"
  seal
done

(cd "$out" && sha256sum "${built[@]}" > SHA256SUMS)
echo "$hash" > "$stamp"
echo "build.sh: built ${#built[@]} packages for $arch in $out"
