"""Uncompressed `.npz` files laid out so their arrays can be memory-mapped rather than read.

A query touches a few postings or rows of a large array; mapping makes loading take
milliseconds whatever the corpus size, and lets concurrent processes share the pages.
"""

from __future__ import annotations

import mmap
import struct
import zipfile
from pathlib import Path

import numpy as np


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """An uncompressed `.npz` whose array data start 64-byte aligned, so they map without copying.

    `np.load` reads it like any `.npz`; the alignment comes from a padding extra field in each zip header.
    """
    with path.open("wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, value in arrays.items():
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            # Local header: 30 bytes, the name, this padding field (4 + pad), then the zip64
            # field (20); the `.npy` header after them is itself a multiple of 64 bytes.
            pad = -(f.tell() + 30 + len(info.filename.encode()) + 4 + 20) % 64
            info.extra = struct.pack("<HH", 0xD935, pad) + bytes(pad)  # the id Android's zipalign pads with
            with zf.open(info, "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.ascontiguousarray(value), allow_pickle=False)


def map_npz(path: Path) -> dict[str, np.ndarray]:
    """The arrays of an uncompressed `.npz`, mapped from the file rather than read into memory.

    A query touches only its terms' postings, so a mapped index loads in milliseconds
    and concurrent processes share its pages. Files from `np.savez` map too; a member
    that is compressed, or unaligned, is read or copied instead.
    """
    with path.open("rb") as f, zipfile.ZipFile(f) as zf:
        infos = zf.infolist()
        if any(i.compress_type != zipfile.ZIP_STORED for i in infos):
            with np.load(path, allow_pickle=False) as data:
                return {k: data[k] for k in data.files}
        buffer = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        arrays: dict[str, np.ndarray] = {}
        for info in infos:
            f.seek(info.header_offset)
            header = f.read(30)
            if header[:4] != b"PK\x03\x04":
                raise ValueError(f"no zip header for {info.filename}")
            name_len, extra_len = struct.unpack("<HH", header[26:30])
            f.seek(info.header_offset + 30 + name_len + extra_len)
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
            else:
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
            if dtype.hasobject:
                raise ValueError(f"{info.filename} holds Python objects")
            count = int(np.prod(shape))
            mapped = np.frombuffer(buffer, dtype=dtype, count=count, offset=f.tell())
            if mapped.ctypes.data % dtype.alignment:
                mapped = mapped.copy()
            arrays[info.filename.removesuffix(".npy")] = mapped.reshape(shape, order="F" if fortran else "C")
        return arrays
