package io.ztna.proto.pki;

import io.ztna.proto.tls.Revocation;
import io.ztna.proto.tls.SpiffeId;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CRLReason;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed ECDSA P-256 certificate authority for one SPIFFE trust domain.
 *
 * <p>The CA certificate has subject {@code O=ztna, CN=TRUST-DOMAIN}, basicConstraints CA:true
 * (critical), keyUsage keyCertSign and cRLSign (critical) and is valid for 10 years. Leaves get a
 * fresh P-256 key, a random 128-bit serial, the SPIFFE id as their only URI SAN, optional DNS and
 * IP SANs, keyUsage digitalSignature (critical), extended key usage serverAuth and clientAuth,
 * and subject and authority key identifiers. Every NotBefore is {@link #BACKDATE} before the time
 * of issue, so that peers whose clock runs a little behind accept a fresh certificate.
 *
 * <p>Keys and signatures use the JDK's default providers; BouncyCastle only builds and encodes
 * the certificates and CRLs. Instances are immutable and thread-safe.
 */
public final class CertificateAuthority {
    /** How far NotBefore lies before the time of issue. */
    public static final Duration BACKDATE = Duration.ofMinutes(5);
    /** How long a new CA certificate stays valid. */
    public static final int CA_VALIDITY_YEARS = 10;

    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final String CURVE = "secp256r1";
    private static final int SERIAL_BITS = 128;
    /** The maximum length of a CommonName in RFC 5280, appendix A.1 (ub-common-name). */
    private static final int MAX_COMMON_NAME_LENGTH = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String trustDomain;
    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final Clock clock;

    private CertificateAuthority(String trustDomain, X509Certificate certificate,
            PrivateKey privateKey, Clock clock) {
        this.trustDomain = trustDomain;
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.clock = clock;
    }

    /**
     * Creates a new CA with a fresh key for the trust domain.
     *
     * @throws IllegalArgumentException if the trust domain is invalid
     */
    public static CertificateAuthority create(String trustDomain) {
        return create(trustDomain, Clock.systemUTC());
    }

    /** Creates a new CA whose certificate and later leaves are dated by {@code clock}. */
    public static CertificateAuthority create(String trustDomain, Clock clock) {
        SpiffeId.checkTrustDomain(trustDomain);
        Instant now = clock.instant();
        KeyPair keyPair = newKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "ztna")
                .addRDN(BCStyle.CN, trustDomain)
                .build();
        Instant notAfter = now.atZone(ZoneOffset.UTC).plusYears(CA_VALIDITY_YEARS).toInstant();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    randomSerial(), Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject,
                    keyPair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keyPair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(keyPair.getPublic()));
            X509Certificate certificate = sign(builder, keyPair.getPrivate());
            return new CertificateAuthority(trustDomain, certificate, keyPair.getPrivate(), clock);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create the CA certificate: " + e, e);
        }
    }

    /**
     * Loads a CA written by {@link #write}; the trust domain is read from the subject CN.
     *
     * @throws IOException if a file cannot be read, the certificate is not a ztna CA, or the key
     *     does not match the certificate. The message names the file.
     */
    public static CertificateAuthority load(Path certificateFile, Path privateKeyFile)
            throws IOException {
        X509Certificate certificate = PemFiles.readCertificates(certificateFile).get(0);
        PrivateKey privateKey = PemFiles.readPrivateKey(privateKeyFile);
        if (certificate.getBasicConstraints() < 0) {
            throw new IOException("not a CA certificate (basicConstraints CA:false): "
                    + certificateFile);
        }
        if (!keysMatch(privateKey, certificate.getPublicKey())) {
            throw new IOException("private key " + privateKeyFile
                    + " does not match the CA certificate " + certificateFile);
        }
        String trustDomain = commonName(certificate);
        try {
            SpiffeId.checkTrustDomain(trustDomain);
        } catch (IllegalArgumentException e) {
            throw new IOException("CA certificate " + certificateFile
                    + " does not name a trust domain in its CN: " + e.getMessage(), e);
        }
        return new CertificateAuthority(trustDomain, certificate, privateKey, Clock.systemUTC());
    }

    /** Returns a CA with the same key and certificate that dates new leaves by {@code clock}. */
    public CertificateAuthority withClock(Clock clock) {
        return new CertificateAuthority(trustDomain, certificate, privateKey,
                Objects.requireNonNull(clock, "clock"));
    }

    /** Returns the clock that dates new leaves and CRLs. */
    Clock clock() {
        return clock;
    }

    /** Returns the trust domain whose ids this CA issues. */
    public String trustDomain() {
        return trustDomain;
    }

    /** Returns the self-signed CA certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * Writes the CA certificate and its unencrypted PKCS#8 private key (mode 0600) as PEM files,
     * replacing existing files.
     */
    public void write(Path certificateFile, Path privateKeyFile) throws IOException {
        PemFiles.writeCertificates(certificateFile, List.of(certificate));
        PemFiles.writePrivateKey(privateKeyFile, privateKey);
    }

    /**
     * Issues a leaf certificate with a fresh key.
     *
     * @throws IllegalArgumentException if the id belongs to another trust domain, or the leaf
     *     would stay valid after the CA certificate expires
     */
    public IssuedCertificate issue(LeafRequest request) {
        SpiffeId id = request.id();
        if (!id.trustDomain().equals(trustDomain)) {
            throw new IllegalArgumentException("cannot issue " + id + ": this CA issues only ids"
                    + " in trust domain " + trustDomain);
        }
        Instant now = clock.instant();
        Instant notAfter = now.plus(request.validity());
        Instant caNotAfter = certificate.getNotAfter().toInstant();
        if (notAfter.isAfter(caNotAfter)) {
            throw new IllegalArgumentException("validity " + request.validity().toDays()
                    + "d would end at " + notAfter + ", after the CA expires at " + caNotAfter
                    + " (expected a shorter validity)");
        }
        KeyPair keyPair = newKeyPair();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate,
                    randomSerial(), Date.from(now.minus(BACKDATE)), Date.from(notAfter),
                    leafSubject(id), keyPair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth,
                                KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false,
                            subjectAlternativeNames(request))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keyPair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(certificate));
            return new IssuedCertificate(id, sign(builder, privateKey), keyPair.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + id + ": " + e, e);
        }
    }

    /**
     * Signs an X.509 v2 CRL that lists {@code revocations}, with thisUpdate now by this CA's
     * clock, nextUpdate {@code nextUpdateAfter} later, and the CRL number and authority key
     * identifier extensions. An entry with reason {@link CRLReason#UNSPECIFIED} gets no reason
     * code extension, as RFC 5280, section 5.3.1, recommends.
     *
     * @throws IllegalArgumentException if {@code crlNumber} is negative or
     *     {@code nextUpdateAfter} is not positive
     */
    public X509CRL signCrl(Collection<Revocation> revocations, BigInteger crlNumber,
            Duration nextUpdateAfter) {
        if (crlNumber.signum() < 0) {
            throw new IllegalArgumentException("invalid CRL number " + crlNumber
                    + " (expected >= 0)");
        }
        if (nextUpdateAfter.isNegative() || nextUpdateAfter.isZero()) {
            throw new IllegalArgumentException("invalid time to nextUpdate " + nextUpdateAfter
                    + " (expected > 0)");
        }
        Instant now = clock.instant();
        JcaX509v2CRLBuilder builder = new JcaX509v2CRLBuilder(certificate, Date.from(now));
        builder.setNextUpdate(Date.from(now.plus(nextUpdateAfter)));
        for (Revocation revocation : revocations) {
            // CRLReason declares its constants in the order of the RFC 5280 reason codes.
            builder.addCRLEntry(revocation.serial(), Date.from(revocation.revokedAt()),
                    revocation.reason().ordinal());
        }
        try {
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber));
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM)
                    .build(privateKey);
            return new JcaX509CRLConverter().getCRL(builder.build(signer));
        } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot sign CRL number " + crlNumber + ": " + e, e);
        }
    }

    /** Returns {@code O=TRUST-DOMAIN, OU=ROLE, CN=NAME}; peers identify by the URI SAN only. */
    private static X500Name leafSubject(SpiffeId id) {
        String commonName = id.name().length() <= MAX_COMMON_NAME_LENGTH
                ? id.name() : id.name().substring(0, MAX_COMMON_NAME_LENGTH);
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, id.trustDomain())
                .addRDN(BCStyle.OU, id.role().wireName())
                .addRDN(BCStyle.CN, commonName)
                .build();
    }

    private static GeneralNames subjectAlternativeNames(LeafRequest request) {
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.uniformResourceIdentifier, request.id().toString()));
        for (String dnsName : request.dnsNames()) {
            names.add(new GeneralName(GeneralName.dNSName, dnsName));
        }
        for (InetAddress address : request.ipAddresses()) {
            names.add(new GeneralName(GeneralName.iPAddress,
                    new DEROctetString(address.getAddress())));
        }
        return new GeneralNames(names.toArray(new GeneralName[0]));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey)
            throws GeneralSecurityException {
        ContentSigner signer;
        try {
            signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signingKey);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot create a " + SIGNATURE_ALGORITHM
                    + " signer", e);
        }
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(CURVE), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no EC " + CURVE + " key generator", e);
        }
    }

    /** Returns a positive random serial of up to 128 bits (RFC 5280 allows up to 20 octets). */
    private static BigInteger randomSerial() {
        BigInteger serial = new BigInteger(SERIAL_BITS, RANDOM);
        return serial.signum() == 0 ? BigInteger.ONE : serial;
    }

    /** Checks that the private key signs what the public key verifies. */
    private static boolean keysMatch(PrivateKey privateKey, PublicKey publicKey) {
        byte[] probe = "ztna-ca-key-check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(SIGNATURE_ALGORITHM);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(SIGNATURE_ALGORITHM);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String commonName(X509Certificate certificate) {
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        RDN[] commonNames = subject.getRDNs(BCStyle.CN);
        if (commonNames.length == 0) {
            return "";
        }
        return IETFUtils.valueToString(commonNames[0].getFirst().getValue());
    }
}
