"""Shrink ELF shared objects for the bundle without changing what gets loaded.

Two operations, both checked by comparing the memory image before and after
(see `image`):

* `compact`: drop the zero padding between the parts of the file.
  auditwheel runs patchelf on every library it vendors into a wheel; patchelf
  grows .dynstr & co. by appending a new PT_LOAD segment at a file offset
  aligned to the segments' p_align — 0x200000 (2 MiB) on x86-64.  After a few
  such edits a library with 50 KB of content is a 6.3 MB file, mostly zeros
  (pygraphviz.libs: 108 MB for ~12 MB of content).  The loader never reads
  that padding: it maps each segment from its own p_offset.  `compact` moves
  every block of content to a lower offset by a multiple of the page size, so
  each byte keeps its offset modulo the page and every segment still maps
  page-aligned (p_vaddr ≡ p_offset mod page).  A moved PT_LOAD whose p_align
  (2 MiB) no longer divides p_vaddr − p_offset gets p_align = page size, the
  value the loader needs and glibc checks.  Only whole pages of zeros that no
  header (ELF, program, section) refers to are removed; nothing inside a
  segment or a section moves relative to the rest of it.

* `strip`: binutils `strip` on a copy (symbol tables and debug sections,
  which nothing at run time reads; .dynsym stays).

This is not sparse files (`fallocate --dig-holes`): a hole keeps the apparent
size, comes back in any zip/tar/AppImage and in copies without --sparse, so
the user still downloads the padding.  Compaction makes the files small.

Only little-endian 64-bit ELF is handled; anything else is left as it is.
"""
from __future__ import annotations

import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

PT_LOAD, PT_DYNAMIC = 1, 2
SHT_NOBITS = 8
SHF_ALLOC = 0x2
EM_X86_64 = 62


class NotHandled(Exception):
    """Not a file this module knows how to process (not ELF64 LE…)."""


class StripRefused(Exception):
    """strip changed more than symbols and debug sections."""


@dataclass
class Phdr:
    index: int
    p_type: int
    p_flags: int
    p_offset: int
    p_vaddr: int
    p_paddr: int
    p_filesz: int
    p_memsz: int
    p_align: int


@dataclass
class Shdr:
    index: int
    sh_name: int
    sh_type: int
    sh_flags: int
    sh_addr: int
    sh_offset: int
    sh_size: int
    sh_link: int
    sh_info: int
    sh_addralign: int
    sh_entsize: int


@dataclass
class Elf:
    data: bytes
    e_machine: int
    e_phoff: int
    e_shoff: int
    e_ehsize: int
    e_phentsize: int
    e_phnum: int
    e_shentsize: int
    e_shnum: int
    e_shstrndx: int
    phdrs: list[Phdr]
    shdrs: list[Shdr]

    def section_name(self, s: Shdr) -> str:
        if not self.e_shstrndx or self.e_shstrndx >= len(self.shdrs):
            return ""
        tab = self.shdrs[self.e_shstrndx]
        start = tab.sh_offset + s.sh_name
        end = self.data.index(b"\0", start)
        return self.data[start:end].decode("latin-1")


_EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
_PHDR = struct.Struct("<IIQQQQQQ")
_SHDR = struct.Struct("<IIQQQQIIQQ")


def parse(data: bytes) -> Elf:
    if len(data) < _EHDR.size or data[:4] != b"\x7fELF":
        raise NotHandled("not ELF")
    if data[4] != 2 or data[5] != 1:
        raise NotHandled("not 64-bit little-endian ELF")
    (_, _, e_machine, _, _, e_phoff, e_shoff, _, e_ehsize, e_phentsize, e_phnum,
     e_shentsize, e_shnum, e_shstrndx) = _EHDR.unpack_from(data, 0)
    if e_phentsize != _PHDR.size or (e_shnum and e_shentsize != _SHDR.size):
        raise NotHandled("unexpected header sizes")
    if e_shnum == 0 and e_shoff:
        raise NotHandled("extended section numbering")
    phdrs = [Phdr(i, *_PHDR.unpack_from(data, e_phoff + i * _PHDR.size)) for i in range(e_phnum)]
    shdrs = [Shdr(i, *_SHDR.unpack_from(data, e_shoff + i * _SHDR.size)) for i in range(e_shnum)]
    for p in phdrs:
        if p.p_offset + p.p_filesz > len(data):
            raise NotHandled("segment beyond the end of the file")
    for s in shdrs:
        if s.sh_type != SHT_NOBITS and s.sh_offset + s.sh_size > len(data):
            raise NotHandled("section beyond the end of the file")
    return Elf(data, e_machine, e_phoff, e_shoff, e_ehsize, e_phentsize, e_phnum,
               e_shentsize, e_shnum, e_shstrndx, phdrs, shdrs)


DT_NULL, DT_NEEDED, DT_STRTAB = 0, 1, 5


def needed(data: bytes) -> list[str]:
    """The DT_NEEDED names of an ELF file (its direct link-time dependencies)."""
    elf = parse(data)
    dyn = next((p for p in elf.phdrs if p.p_type == PT_DYNAMIC), None)
    if dyn is None:
        return []
    entries = []
    for off in range(dyn.p_offset, dyn.p_offset + dyn.p_filesz, 16):
        tag, val = struct.unpack_from("<qQ", data, off)
        if tag == DT_NULL:
            break
        entries.append((tag, val))
    strtab = next((val for tag, val in entries if tag == DT_STRTAB), None)
    if strtab is None:
        return []
    # DT_STRTAB is an address: find the file offset through the PT_LOAD that maps it.
    load = next((p for p in elf.phdrs if p.p_type == PT_LOAD and p.p_vaddr <= strtab < p.p_vaddr + p.p_filesz), None)
    if load is None:
        raise NotHandled("DT_STRTAB outside the loaded segments")
    base = strtab - load.p_vaddr + load.p_offset
    names = []
    for tag, val in entries:
        if tag == DT_NEEDED:
            end = data.index(b"\0", base + val)
            names.append(data[base + val:end].decode("utf-8", "replace"))
    return names


def page_size(elf: Elf) -> int:
    # x86-64 has 4 KiB pages only; elsewhere (aarch64, ppc64le) pages may be
    # up to 64 KiB, so keep offsets congruent modulo 64 KiB there.
    return 0x1000 if elf.e_machine == EM_X86_64 else 0x10000


def _header_tables(elf: Elf) -> list[tuple[int, int]]:
    tables = [(0, elf.e_ehsize), (elf.e_phoff, elf.e_phoff + elf.e_phnum * elf.e_phentsize)]
    if elf.e_shnum:
        tables.append((elf.e_shoff, elf.e_shoff + elf.e_shnum * elf.e_shentsize))
    return tables


def _extents(elf: Elf) -> list[tuple[int, int]]:
    """Byte ranges of the file that some header refers to."""
    ext = _header_tables(elf)
    ext += [(p.p_offset, p.p_offset + p.p_filesz) for p in elf.phdrs if p.p_filesz]
    ext += [(s.sh_offset, s.sh_offset + s.sh_size) for s in elf.shdrs
            if s.sh_type != SHT_NOBITS and s.sh_size and s.index]
    return sorted(ext)


def compact(data: bytes) -> bytes | None:
    """`data` without its page-sized runs of unreferenced zeros, or None if there are none."""
    elf = parse(data)
    page = page_size(elf)
    # Merge the referenced ranges into blocks; a gap between two blocks is
    # removable only if it spans at least a page and holds nothing but zeros
    # (anything else might be referenced in a way we do not know about).
    blocks: list[list[int]] = []
    for start, end in _extents(elf):
        if blocks:
            # Bytes in the gap that are not zero (patchelf leaves e.g. the old
            # section header table behind) are kept, with the block before them.
            gap_end = blocks[-1][1] + len(data[blocks[-1][1]:start].rstrip(b"\0"))
            if start - gap_end < page:
                blocks[-1][1] = max(blocks[-1][1], end)
                continue
            blocks[-1][1] = gap_end
        blocks.append([start, end])
    if blocks[-1][1] < len(data):  # trailing bytes nothing refers to: keep them
        blocks[-1][1] = len(data)
    if len(blocks) == 1:
        return None

    # New offsets: each block as low as possible, moved by a multiple of the page.
    moves: list[tuple[int, int, int]] = []  # (old start, old end, delta ≤ 0)
    out = bytearray()
    for start, end in blocks:
        new = len(out) + (start - len(out)) % page
        if moves and new > start:  # cannot happen: blocks only move down
            raise AssertionError("block would move up")
        out += bytes(new - len(out))
        out += data[start:end]
        moves.append((start, end, new - start))

    def moved(offset: int) -> int:
        delta = moves[0][2]
        for start, _end, d in moves:
            if start <= offset:
                delta = d
        return offset + delta

    # Rewrite the headers in the new image.
    e_shoff = moved(elf.e_shoff) if elf.e_shnum else elf.e_shoff
    struct.pack_into("<Q", out, 0x28, e_shoff)  # e_shoff
    e_phoff = moved(elf.e_phoff)
    for p in elf.phdrs:
        offset = moved(p.p_offset)  # also for empty segments: keeps them congruent
        align = p.p_align
        if align > page and (p.p_vaddr - offset) % align:
            align = page
        _PHDR.pack_into(out, e_phoff + p.index * _PHDR.size, p.p_type, p.p_flags, offset, p.p_vaddr,
                        p.p_paddr, p.p_filesz, p.p_memsz, align)
    for s in elf.shdrs:
        if not s.index:
            continue
        _SHDR.pack_into(out, e_shoff + s.index * _SHDR.size, s.sh_name, s.sh_type, s.sh_flags, s.sh_addr,
                        moved(s.sh_offset), s.sh_size, s.sh_link, s.sh_info, s.sh_addralign, s.sh_entsize)
    result = bytes(out)
    check_same_image(data, result)
    for p in parse(result).phdrs:
        if p.p_type == PT_LOAD and ((p.p_vaddr - p.p_offset) % page or
                                    (p.p_align > 1 and (p.p_vaddr - p.p_offset) % p.p_align)):
            raise AssertionError(f"PT_LOAD {p.index} misaligned after compaction")
    return result


def _mapped(elf: Elf, data: bytes, addr: int, size: int) -> bytes | None:
    """The bytes the loader maps from the file at [addr, addr + size), or None."""
    for p in elf.phdrs:
        if p.p_type == PT_LOAD and p.p_vaddr <= addr and addr + size <= p.p_vaddr + p.p_filesz:
            start = p.p_offset + addr - p.p_vaddr
            return data[start:start + size]
    return None


def image(data: bytes) -> dict:
    """What the loader and the program see: allocated sections and the segments' memory layout.

    A section's content is taken twice: from its sh_offset and through the
    PT_LOAD that maps its address — the bytes the process really gets.
    """
    elf = parse(data)
    sections = {}
    for s in elf.shdrs:
        if s.index and s.sh_flags & SHF_ALLOC:
            if s.sh_type == SHT_NOBITS:
                content = mapped = None
            else:
                content = data[s.sh_offset:s.sh_offset + s.sh_size]
                mapped = _mapped(elf, data, s.sh_addr, s.sh_size)
            sections[(elf.section_name(s), s.sh_addr)] = (s.sh_type, s.sh_flags, s.sh_size, content, mapped)
    segments = sorted((p.p_type, p.p_flags, p.p_vaddr, p.p_memsz, p.p_filesz) for p in elf.phdrs)
    # The bytes each PT_LOAD maps.  The ELF, program and section header tables
    # may lie inside a segment; their offset fields change by design, so they
    # are masked here and compared through `segments` and `sections`.
    masked = bytearray(data)
    for start, end in _header_tables(elf):
        masked[start:end] = bytes(end - start)
    loads = {}
    for p in elf.phdrs:
        if p.p_type == PT_LOAD:
            loads[p.p_vaddr] = bytes(masked[p.p_offset:p.p_offset + p.p_filesz])
    return {"machine": elf.e_machine, "sections": sections, "segments": segments, "loads": loads}


def check_same_image(before: bytes, after: bytes, *, exact_loads: bool = True) -> None:
    a, b = image(before), image(after)
    if a["machine"] != b["machine"] or a["segments"] != b["segments"] or a["sections"] != b["sections"]:
        raise AssertionError("memory image changed")
    if exact_loads and a["loads"] != b["loads"]:
        raise AssertionError("a PT_LOAD segment's bytes changed")


def strip(data: bytes, tmp: Path) -> bytes | None:
    """`strip` a copy (symbols and debug sections); None if that saves nothing."""
    elf = parse(data)
    if not any(elf.section_name(s) in (".symtab",) or elf.section_name(s).startswith(".debug")
               for s in elf.shdrs):
        return None
    if shutil.which("strip") is None:
        return None
    tmp.write_bytes(data)
    try:
        subprocess.run(["strip", "--strip-all", str(tmp)], check=True, capture_output=True)
        result = tmp.read_bytes()
    finally:
        tmp.unlink(missing_ok=True)
    # strip may drop non-allocated bytes that sat inside a PT_LOAD range, so
    # compare sections and segment layout, not the raw bytes of the segments.
    # binutils strip rewrites the layout of files that patchelf edited (the
    # wheel's vendored libraries: it trims their added PT_LOAD) — patchelf's
    # own documentation says to strip before patching, never after.  Refuse
    # any such change: the file is then shipped unstripped.
    try:
        check_same_image(data, result, exact_loads=False)
    except AssertionError as e:
        raise StripRefused(str(e)) from None
    return result if len(result) < len(data) else None


def slim(src: str | Path, out_dir: str | Path, *, do_strip: bool) -> tuple[Path, list[str]]:
    """Process `src` into `out_dir` if that makes it smaller; return (path to ship, what was done)."""
    src = Path(src)
    data = original = src.read_bytes()
    done = []
    out = Path(out_dir) / src.name
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        if do_strip:
            try:
                stripped = strip(data, out.with_suffix(out.suffix + ".strip-tmp"))
            except StripRefused:
                stripped = None
                done.append("strip refused")
            if stripped is not None:
                data = stripped
                done.append("strip")
        try:
            compacted = compact(data)
        except AssertionError as e:  # a self-check failed: ship it uncompacted
            compacted = None
            done.append(f"compact refused ({e})")
        if compacted is not None:
            data = compacted
            done.append("compact")
    except NotHandled:
        return src, []
    if data is original:
        return src, done
    out.write_bytes(data)
    shutil.copymode(src, out)
    return out, done


if __name__ == "__main__":  # python elfslim.py FILE… : report what compaction would save
    import sys

    for name in sys.argv[1:]:
        raw = Path(name).read_bytes()
        try:
            small = compact(raw)
        except NotHandled as e:
            print(f"{name}: {e}")
            continue
        print(f"{len(raw):>10} -> {len(small) if small else len(raw):>10}  {name}")
