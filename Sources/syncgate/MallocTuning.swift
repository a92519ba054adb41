/// glibc's allocator hands big blocks back to the kernel as soon as they are freed (blocks over 128 KiB are
/// mapped on their own; the heap top is trimmed past 128 KiB), so a plan that grows and drops large arrays faults
/// in fresh zeroed pages again and again. `plan` is short-lived: keep freed memory for reuse instead.
enum MallocTuning {
    static func keepFreedMemory() {
        #if os(Linux)
        // <malloc.h>: M_TRIM_THRESHOLD -1, M_TOP_PAD -2, M_MMAP_THRESHOLD -3 (not exported by the Glibc module).
        _ = mallopt(-3, 256 << 20)
        _ = mallopt(-1, 1 << 30)
        _ = mallopt(-2, 64 << 20)
        #endif
    }
}

#if os(Linux)
@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
