package io.ztna.proto.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds the mutual TLS contexts of every tunnel hop.
 *
 * <p>Both sides speak TLS 1.3 only, offer the ALPN protocol {@value #ALPN_PROTOCOL}, present
 * their certificate, and trust only the CA in {@link TlsConfig#caFile()}. A peer is then
 * identified by its SPIFFE id, not by host name: a server accepts only the client roles it is
 * given and a client accepts only the server role it expects, both within the configured trust
 * domain. When {@link TlsConfig#crlFile()} is set, a peer whose certificate that file lists as
 * revoked is rejected too. A peer that fails these checks fails the handshake and receives a TLS
 * alert.
 *
 * <p>The TLS implementation is chosen once per JVM, see {@link #provider()}. Create handlers with
 * {@link TlsHandlers} so that rejections are logged with the peer address.
 *
 * <p>A peer that offers no common ALPN protocol still completes the handshake, because the
 * OPENSSL provider cannot reject it with an alert. The tunnel must therefore call
 * {@link TlsHandlers#checkApplicationProtocol} once the handshake succeeds.
 */
public final class TlsContexts {
    /** The ALPN protocol name, which also versions the tunnel protocol. */
    public static final String ALPN_PROTOCOL = "ztna/1";
    /** The system property that forces the JDK provider when set to {@code jdk}. */
    public static final String PROVIDER_PROPERTY = TlsProviders.PROVIDER_PROPERTY;

    private static final String TLS_1_3 = "TLSv1.3";
    private static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
            Protocol.ALPN, SelectorFailureBehavior.NO_ADVERTISE,
            SelectedListenerFailureBehavior.ACCEPT, ALPN_PROTOCOL);

    private TlsContexts() {
    }

    /**
     * Returns the TLS implementation in use: {@link SslProvider#OPENSSL} when netty-tcnative
     * loads and supports TLS 1.3, {@link SslProvider#JDK} otherwise or when the system property
     * {@value #PROVIDER_PROPERTY} is {@code jdk}. The first call logs the choice at INFO.
     */
    public static SslProvider provider() {
        return TlsProviders.selected();
    }

    /**
     * Creates a server context that requires a client certificate with one of the given roles.
     *
     * @throws SSLException if a file, including the CRL file, cannot be read or this
     *     endpoint's own certificate has no valid id of the configured trust domain. The message
     *     names the file.
     */
    public static SslContext server(TlsConfig config, Set<PeerRole> acceptedClientRoles)
            throws SSLException {
        return server(config, acceptedClientRoles, provider());
    }

    /**
     * Creates a client context that accepts only a server with the expected role.
     *
     * @throws SSLException if a file, including the CRL file, cannot be read or this
     *     endpoint's own certificate has no valid id of the configured trust domain. The message
     *     names the file.
     */
    public static SslContext client(TlsConfig config, PeerRole expectedServerRole)
            throws SSLException {
        return client(config, expectedServerRole, provider());
    }

    static SslContext server(TlsConfig config, Set<PeerRole> acceptedClientRoles,
            SslProvider provider) throws SSLException {
        return server(config, acceptedClientRoles, provider, revocationList(config));
    }

    /** Creates a server context that checks client certificates against {@code revocations}. */
    static SslContext server(TlsConfig config, Set<PeerRole> acceptedClientRoles,
            SslProvider provider, Optional<RevocationList> revocations) throws SSLException {
        if (acceptedClientRoles.isEmpty()) {
            throw new IllegalArgumentException("acceptedClientRoles is empty (expected >= 1 role)");
        }
        checkOwnCertificate(config);
        TrustManager trustManager = new SpiffeTrustManager(caTrustManager(config),
                config.trustDomain(), EnumSet.copyOf(acceptedClientRoles), revocations,
                "server");
        SslContextBuilder builder = SslContextBuilder.forServer(
                config.certificateChainFile().toFile(), config.privateKeyFile().toFile());
        return build(builder.clientAuth(ClientAuth.REQUIRE).trustManager(trustManager),
                provider, config);
    }

    static SslContext client(TlsConfig config, PeerRole expectedServerRole,
            SslProvider provider) throws SSLException {
        return client(config, expectedServerRole, provider, revocationList(config));
    }

    /** Creates a client context that checks server certificates against {@code revocations}. */
    static SslContext client(TlsConfig config, PeerRole expectedServerRole,
            SslProvider provider, Optional<RevocationList> revocations) throws SSLException {
        checkOwnCertificate(config);
        TrustManager trustManager = new SpiffeTrustManager(caTrustManager(config),
                config.trustDomain(), EnumSet.of(expectedServerRole), revocations, "client");
        SslContextBuilder builder = SslContextBuilder.forClient()
                .keyManager(config.certificateChainFile().toFile(),
                        config.privateKeyFile().toFile())
                .trustManager(trustManager)
                // The server is identified by its SPIFFE id, so host names are not verified.
                .endpointIdentificationAlgorithm(null);
        return build(builder, provider, config);
    }

    private static SslContext build(SslContextBuilder builder, SslProvider provider,
            TlsConfig config) throws SSLException {
        builder.sslProvider(provider).protocols(TLS_1_3).applicationProtocolConfig(ALPN);
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            // Netty reports unreadable PEM files this way.
            throw new SSLException("invalid TLS certificate or key: certificateChainFile="
                    + config.certificateChainFile() + " privateKeyFile=" + config.privateKeyFile()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Checks that this endpoint's leaf certificate carries a valid id of the trust domain. */
    private static void checkOwnCertificate(TlsConfig config) throws SSLException {
        Path file = config.certificateChainFile();
        Collection<X509Certificate> chain = readCertificates(file);
        SpiffeId id;
        try {
            id = PeerIdentity.of(chain.iterator().next());
        } catch (CertificateException e) {
            throw new SSLException("invalid TLS certificate " + file + ": " + e.getMessage(), e);
        }
        if (!id.trustDomain().equals(config.trustDomain())) {
            throw new SSLException("TLS certificate " + file + " has id " + id
                    + " outside the configured trust domain " + config.trustDomain());
        }
        if (!Files.isReadable(config.privateKeyFile())) {
            throw new SSLException("TLS private key file not found or not readable: "
                    + config.privateKeyFile());
        }
    }

    /**
     * Loads the CRL file of the config, if it names one. Each context loads its own list, so each
     * logs its own reloads.
     */
    private static Optional<RevocationList> revocationList(TlsConfig config)
            throws SSLException {
        if (config.crlFile() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(RevocationList.load(config.crlFile(), config.caFile()));
        } catch (IOException e) {
            throw new SSLException(e.getMessage(), e);
        }
    }

    private static X509ExtendedTrustManager caTrustManager(TlsConfig config) throws SSLException {
        Collection<X509Certificate> cas = readCertificates(config.caFile());
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int index = 0;
            for (X509Certificate ca : cas) {
                store.setCertificateEntry("ca-" + index++, ca);
            }
            TrustManagerFactory factory =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager) {
                    return (X509ExtendedTrustManager) manager;
                }
            }
            throw new SSLException("no X509ExtendedTrustManager in " + factory.getProvider());
        } catch (GeneralSecurityException | IOException e) {
            throw new SSLException("cannot build a trust manager from CA file " + config.caFile()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Reads all certificates of a PEM file, of which there must be at least one. */
    private static Collection<X509Certificate> readCertificates(Path file) throws SSLException {
        Collection<? extends Certificate> read;
        try (InputStream in = Files.newInputStream(file)) {
            read = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (NoSuchFileException e) {
            throw new SSLException("certificate file not found: " + file, e);
        } catch (IOException | CertificateException e) {
            throw new SSLException("cannot read certificate file " + file + ": " + e.getMessage(),
                    e);
        }
        if (read.isEmpty()) {
            throw new SSLException("no certificate in PEM file " + file);
        }
        return read.stream().map(X509Certificate.class::cast).toList();
    }
}
