import XCTest
@testable import AmbassadorCore

/// FNV-1a against the test vectors its authors publish (Fowler, Noll, Vo: "FNV hash
/// test vectors" — the empty string, "a" and "foobar", 32- and 64-bit). The employee-history
/// fingerprint stored in warehouses and the PostgreSQL lock key are these hashes, so they
/// must not drift.
final class FNV1aTests: XCTestCase {
    func testThePublishedVectors() {
        XCTAssertEqual(FNV1a64.hash("".utf8), 0xCBF2_9CE4_8422_2325)
        XCTAssertEqual(FNV1a64.hash("a".utf8), 0xAF63_DC4C_8601_EC8C)
        XCTAssertEqual(FNV1a64.hash("foobar".utf8), 0x8594_4171_F739_67E8)
        XCTAssertEqual(FNV1a32.hash("".utf8), 0x811C_9DC5)
        XCTAssertEqual(FNV1a32.hash("a".utf8), 0xE40C_292C)
        XCTAssertEqual(FNV1a32.hash("foobar".utf8), 0xBF9C_F968)
    }

    /// Adding bytes piece by piece is hashing them at once.
    func testAddingInPiecesIsHashingTheWhole() {
        var hasher = FNV1a64()
        hasher.add("foo".utf8)
        hasher.add(byte: UInt8(ascii: "b"))
        hasher.add([UInt8(ascii: "a"), UInt8(ascii: "r")])
        XCTAssertEqual(hasher.value, FNV1a64.hash("foobar".utf8))
    }
}
