#if canImport(Glibc)
import Glibc
#endif

public enum RingFileError: Error, CustomStringConvertible {
    case system(String, Int32)
    case invalid(String, String)

    public var description: String {
        switch self {
        case .system(let what, let code): "cannot \(what): \(String(cString: strerror(code)))"
        case .invalid(let path, let why): "\(path) is not a usable ring: \(why)"
        }
    }
}
