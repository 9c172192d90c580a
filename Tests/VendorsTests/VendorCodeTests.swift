import AmbassadorCore
import XCTest
@testable import Normalize
@testable import Vendors

/// The codes each vendor file says its exports write must land on the canonical model: a
/// field that exists, and for a field with a vocabulary, a word that vocabulary knows (else the
/// code would be counted as unmapped on every file).
final class VendorCodeTests: XCTestCase {
    func testEveryVendorCodeMapsOntoACanonicalFieldAndAKnownWord() {
        let fields = CanonicalEntity.all.flatMap(\.fields)
        for vendor in Vendors.all {
            for (field, codes) in vendor.valueMaps {
                let types = Set(fields.filter { $0.name == field }.map(\.type))
                XCTAssertFalse(types.isEmpty, "\(vendor.name): '\(field)' is not a canonical field")
                // A field name two entities share (`status`: a ticket's, an employee's) is the
                // vendor's if one of their vocabularies knows the word.
                let vocabularies = types.compactMap(Vocabulary.of)
                guard !vocabularies.isEmpty else { continue }
                for (code, word) in codes {
                    let key = word.filter { $0.isLetter || $0.isNumber }.lowercased()
                    XCTAssertTrue(vocabularies.contains { $0.canonical[key] != nil },
                                  "\(vendor.name): \(field) code '\(code)' → '\(word)', a word no \(field) vocabulary knows")
                }
            }
        }
    }

    func testFormatNamesAreUniqueAndEveryVendorNamesItsMaker() {
        let names = Vendors.all.map(\.name)
        XCTAssertEqual(Set(names).count, names.count)
        for vendor in Vendors.all {
            XCTAssertFalse(vendor.vendor.isEmpty, "\(vendor.name)")
            XCTAssertTrue(vendor.name.rawValue.hasPrefix(vendor.vendor.lowercased()), "\(vendor.name) is not named after \(vendor.vendor)")
            XCTAssertEqual(Vendors.named(vendor.name)?.vendor, vendor.vendor)
        }
    }
}
