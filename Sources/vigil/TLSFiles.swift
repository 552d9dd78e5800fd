import NIOSSL

/// TLS contexts from PEM files, with errors that name the file at fault.
/// The server presents a certificate; agents verify it against a CA
/// (host name or IP address checked against the certificate's names).
enum TLSFiles {
    static func serverContext(certificateChain: String, privateKey: String) throws -> NIOSSLContext {
        let chain = try load("certificate", certificateChain) { try NIOSSLCertificate.fromPEMFile($0) }
        let key = try load("private key", privateKey) { try NIOSSLPrivateKey(file: $0, format: .pem) }
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                                     privateKey: .privateKey(key))
        return try NIOSSLContext(configuration: configuration)
    }

    static func clientContext(trustedCA: String) throws -> NIOSSLContext {
        let roots = try load("CA certificate", trustedCA) { try NIOSSLCertificate.fromPEMFile($0) }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(roots)
        configuration.certificateVerification = .fullVerification
        return try NIOSSLContext(configuration: configuration)
    }

    private static func load<T>(_ what: String, _ path: String, _ read: (String) throws -> T) throws -> T {
        do {
            return try read(path)
        } catch {
            throw TLSFileError(what: what, path: path, reason: "\(error)")
        }
    }
}

struct TLSFileError: Error, CustomStringConvertible {
    let what: String
    let path: String
    let reason: String
    var description: String { "cannot load TLS \(what) from \(path): \(reason)" }
}
