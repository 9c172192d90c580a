import Foundation

/// FNV-1a (Fowler–Noll–Vo, the "1a" order: xor the byte, then multiply), for hashes that
/// are stored or compared across processes — a fingerprint kept in the warehouse, a lock key
/// a server shows — where Swift's `Hasher`, seeded per process, cannot serve. Not for
/// anything an adversary chooses.
package struct FNV1a64: Sendable {
    package static let offsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    package static let prime: UInt64 = 0x0000_0100_0000_01B3

    package private(set) var value = FNV1a64.offsetBasis

    @inlinable
    package init() {}

    @inlinable
    package mutating func add(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* FNV1a64.prime
    }

    @inlinable
    package mutating func add<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes { add(byte: byte) }
    }

    /// The hash of `bytes` alone, for bytes in memory: a concrete function, which other
    /// modules call directly (the generic one reached them unspecialized, a witness call per
    /// byte: about 5% of a one-pass load's writer thread).
    package static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hasher = FNV1a64()
        for byte in bytes { hasher.add(byte: byte) }
        return hasher.value
    }

    /// Whether two keys hashed alike are the same bytes (a bucket's check after `hash`).
    package static func sameBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let x = a.baseAddress, let y = b.baseAddress else { return true }
        return memcmp(x, y, a.count) == 0
    }

    /// The hash of `bytes` alone.
    @inlinable
    package static func hash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hasher = FNV1a64()
        hasher.add(bytes)
        return hasher.value
    }
}

/// The 32-bit FNV-1a.
package enum FNV1a32 {
    @inlinable
    package static func hash<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var value: UInt32 = 0x811C_9DC5
        for byte in bytes { value = (value ^ UInt32(byte)) &* 0x0100_0193 }
        return value
    }
}
