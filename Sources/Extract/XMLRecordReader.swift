import AmbassadorCore
import CLibXML2
import Foundation

/// Which elements are records.
package enum XMLRecordRule: Sendable, Equatable {
    /// Every element with this local name, at any depth (`Report_Entry`, `Response`).
    case named(String)
    /// The children of the root element of this local name; `nil` takes the first child's
    /// name. Children of other names are skipped and counted (ServiceNow's `sys_attachment`).
    case childrenOfRoot(String?)
}

/// Collects libxml2's first error for one reader (xmlStructuredErrorFunc's user data).
final class XMLErrorBox {
    var message: String?
    var line = 0
    var column = 0
}

/// xmlStructuredErrorFunc: keeps the first error (not warnings), prints nothing.
private func collectXMLError(_ context: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let context, let error, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
    let box = Unmanaged<XMLErrorBox>.fromOpaque(context).takeUnretainedValue()
    guard box.message == nil else { return }
    let text = error.pointee.message.map { String(cString: $0) } ?? "XML error \(error.pointee.code)"
    box.message = text.trimmingCharacters(in: .whitespacesAndNewlines)
    box.line = Int(error.pointee.line)
    box.column = Int(error.pointee.int2)
}

/// xmlExternalEntityLoader that refuses everything: no file, no network, ever.
private func refuseExternalEntity(_ url: UnsafePointer<CChar>?, _ id: UnsafePointer<CChar>?, _ context: xmlParserCtxtPtr?) -> xmlParserInputPtr? {
    nil
}

/// Streams the records of an XML file with libxml2's xmlTextReader, one record in memory.
///
/// Safe by construction: `XML_PARSE_NONET` only (no entity substitution, no DTD loading),
/// an external-entity loader that refuses everything, and any document with a DOCTYPE is
/// refused outright — real exports never carry one, and a DTD is what entity-expansion
/// ("billion laughs") and external-entity attacks need. Fields are element paths relative to
/// the record (`a/b`), attributes `path@name`, a repeated element `name[2]`.
final class XMLRecordReader {
    private static let setUp: Void = {
        xmlInitParser()
        xmlSetExternalEntityLoader(refuseExternalEntity)
    }()

    let path: String
    let rule: XMLRecordRule
    /// Records of other types skipped under `childrenOfRoot`, by element name.
    private(set) var skipped: [String: Int] = [:]
    private(set) var recordType: String?
    private(set) var bytesConsumed: Int64 = 0
    let maxRecordBytes: Int

    init(path: String, rule: XMLRecordRule, maxRecordBytes: Int) {
        self.path = path
        self.rule = rule
        self.maxRecordBytes = maxRecordBytes
    }

    private struct Open {
        var path: String
        var text: [UInt8] = []
        var hasChildren = false
    }

    /// Calls `body` with each record's fields and its element index (1-based); `body`
    /// returns false to stop.
    func forEach(_ body: ([(String, String?)], Int) throws -> Bool) throws {
        _ = XMLRecordReader.setUp
        let box = XMLErrorBox()
        let context = Unmanaged.passUnretained(box).toOpaque()
        // Errors outside the reader's own handler go to the thread's handler: keep them too.
        xmlSetStructuredErrorFunc(context, collectXMLError)
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        guard let reader = xmlReaderForFile(path, nil, Int32(XML_PARSE_NONET.rawValue)) else {
            throw ExtractError.unreadable(path: path, reason: box.message ?? "libxml2 could not open it")
        }
        defer { xmlFreeTextReader(reader) }
        xmlTextReaderSetStructuredErrorHandler(reader, collectXMLError, context)

        var index = 0
        var inRecord = false
        var recordDepth = 0
        var stack: [Open] = []
        var fields: [(String, String?)] = []
        var seen: [String: Int] = [:]
        var recordBytes = 0
        var recordLine = 0
        var advanced = false

        func failure(_ fallback: String) -> ExtractError {
            let line = box.message != nil ? box.line : Int(xmlTextReaderGetParserLineNumber(reader))
            let column = box.message != nil ? box.column : Int(xmlTextReaderGetParserColumnNumber(reader))
            return .malformed(path: path, line: line, column: column, message: box.message ?? fallback,
                              expected: "well-formed XML")
        }
        func name() -> String {
            xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? ""
        }
        func attributes(prefix: String) {
            while xmlTextReaderMoveToNextAttribute(reader) == 1 {
                if xmlTextReaderIsNamespaceDecl(reader) == 1 { continue }
                let value = xmlTextReaderConstValue(reader).map { String(cString: $0) } ?? ""
                fields.append((prefix + "@" + name(), value))
            }
            xmlTextReaderMoveToElement(reader)
        }
        func close(_ element: Open) {
            let text = String(decoding: element.text, as: UTF8.self)
            if !element.hasChildren {
                fields.append((element.path, text))
            } else if !text.allSatisfy({ $0.isWhitespace }) {
                fields.append((element.path, text))
            }
        }

        reading: while true {
            let rc: Int32
            if advanced {
                // xmlTextReaderNext already moved onto the next node (it returned 1).
                advanced = false
                rc = 1
            } else {
                rc = xmlTextReaderRead(reader)
            }
            if rc == 0 { break }
            if rc < 0 { throw failure("the XML parser stopped") }
            if box.message != nil { throw failure("the XML parser stopped") }
            bytesConsumed = Int64(xmlTextReaderByteConsumed(reader))
            let type = xmlTextReaderNodeType(reader)
            switch type {
            case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue):
                throw ExtractError.malformed(
                    path: path, line: Int(xmlTextReaderGetParserLineNumber(reader)), column: nil,
                    message: "the document has a DOCTYPE; refused, because DTDs carry entity-expansion and external-entity attacks",
                    expected: "plain XML without a DOCTYPE, as ServiceNow, Workday and Qualtrics export it")
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                let depth = Int(xmlTextReaderDepth(reader))
                let local = name()
                let empty = xmlTextReaderIsEmptyElement(reader) == 1
                if inRecord {
                    if !stack.isEmpty { stack[stack.count - 1].hasChildren = true }
                    let parent = stack.last?.path
                    var component = local
                    let key = (parent.map { $0 + "/" } ?? "") + local
                    let occurrence = (seen[key] ?? 0) + 1
                    seen[key] = occurrence
                    if occurrence > 1 { component += "[\(occurrence)]" }
                    let elementPath = (parent.map { $0 + "/" } ?? "") + component
                    attributes(prefix: elementPath)
                    if empty {
                        fields.append((elementPath, ""))
                    } else {
                        stack.append(Open(path: elementPath))
                    }
                    continue
                }
                var isRecord = false
                switch rule {
                case .named(let wanted):
                    isRecord = local == wanted
                case .childrenOfRoot(let wanted):
                    if depth == 1 {
                        if recordType == nil { recordType = wanted ?? local }
                        isRecord = local == recordType
                        if !isRecord {
                            skipped[local, default: 0] += 1
                            if !empty {
                                // xmlTextReaderNext: jump over the whole subtree.
                                let next = xmlTextReaderNext(reader)
                                if next < 0 { throw failure("the XML parser stopped") }
                                if next == 0 { break reading }
                                advanced = true
                            }
                            continue
                        }
                    }
                }
                guard isRecord else { continue }
                if recordType == nil { recordType = local }
                index += 1
                fields = []
                seen = [:]
                stack = []
                recordBytes = 0
                recordLine = Int(xmlTextReaderGetParserLineNumber(reader))
                attributes(prefix: "")
                if empty {
                    if !(try body(fields, index)) { return }
                } else {
                    inRecord = true
                    recordDepth = depth
                }
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
                 Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue), Int32(XML_READER_TYPE_WHITESPACE.rawValue):
                guard inRecord, !stack.isEmpty, let value = xmlTextReaderConstValue(reader) else { continue }
                let count = strlen(UnsafeRawPointer(value).assumingMemoryBound(to: CChar.self))
                recordBytes += count
                if recordBytes > maxRecordBytes {
                    throw ExtractError.malformed(path: path, line: recordLine, column: nil,
                                                 message: "record \(index), starting on line \(recordLine), is larger than \(maxRecordBytes) bytes",
                                                 expected: "records under the size limit")
                }
                stack[stack.count - 1].text.append(contentsOf: UnsafeBufferPointer(start: value, count: count))
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                guard inRecord else { continue }
                if Int(xmlTextReaderDepth(reader)) == recordDepth {
                    inRecord = false
                    if !(try body(fields, index)) { return }
                } else if let element = stack.popLast() {
                    close(element)
                }
            default:
                continue
            }
        }
        if box.message != nil { throw failure("the XML parser stopped") }
        if inRecord {
            throw ExtractError.truncated(path: path, offset: bytesConsumed, message: "the file ends inside record \(index)",
                                         expected: "a complete XML document")
        }
    }
}
