package io.ztna.proto.tls;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revoked certificates of a CRL file, reloaded when the file changes.
 *
 * <p>The file contains one or more PEM or DER X.509 CRLs, such as the {@code crl.pem} that
 * {@code bin/pki revoke} writes. Each must be signed by a CA of the trust file. A lookup checks
 * the file's modification time, size and file key at most once per {@link #CHECK_INTERVAL} and
 * reloads the file if one of them changed; {@link #refresh()} checks at once. The check and any
 * reload run on the calling thread, which during a handshake is a Netty event loop: a stat call
 * per second and a parse per change. A reload that fails (unreadable file, invalid PEM, unknown
 * signer) logs one WARN per failed file version and keeps the previous list.
 *
 * <p>A list past its nextUpdate is still used, and a WARN says so once per loaded CRL, because
 * rejecting every peer when the CA operator forgets to re-sign would cut off all traffic.
 * Thread-safe: lookups read an immutable snapshot, and reloads are serialised.
 */
public final class RevocationList {
    /** The minimum time between two checks of the file on lookup. */
    public static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(RevocationList.class);

    private final Path crlFile;
    private final Path caFile;
    private final List<X509Certificate> cas;
    private final Clock clock;
    /** The clock time in milliseconds from which the next lookup checks the file. */
    private final AtomicLong nextCheckMillis;
    private volatile Snapshot current;
    /** The file version whose reload failed last, so its WARN is logged once; guarded by this. */
    private FileStamp failedStamp;

    private RevocationList(Path crlFile, Path caFile, List<X509Certificate> cas, Clock clock,
            Snapshot first) {
        this.crlFile = crlFile;
        this.caFile = caFile;
        this.cas = cas;
        this.clock = clock;
        this.current = first;
        this.nextCheckMillis = new AtomicLong(clock.millis() + CHECK_INTERVAL.toMillis());
    }

    /**
     * Loads the CRL file and checks its signatures against the CAs in {@code caFile}.
     *
     * @throws IOException if either file is missing or invalid; the message names the file and
     *     what is expected
     */
    public static RevocationList load(Path crlFile, Path caFile) throws IOException {
        return load(crlFile, caFile, Clock.systemUTC());
    }

    /** Loads the CRL file like {@link #load(Path, Path)}, timing file checks by {@code clock}. */
    static RevocationList load(Path crlFile, Path caFile, Clock clock) throws IOException {
        Objects.requireNonNull(clock, "clock");
        List<X509Certificate> cas = readCas(caFile);
        Snapshot first;
        try {
            first = read(crlFile, cas);
        } catch (NoSuchFileException e) {
            throw new IOException("CRL file not found: " + crlFile + " (" + expected(caFile)
                    + ")", e);
        } catch (IOException e) {
            throw new IOException(e.getMessage() + " (" + expected(caFile) + ")", e);
        }
        RevocationList list = new RevocationList(crlFile, caFile, cas, clock, first);
        list.warnIfStale(first, clock.instant());
        return list;
    }

    /** Returns the CRL file. */
    public Path file() {
        return crlFile;
    }

    /** Returns the CRLs of the last successful load. */
    public List<VerifiedCrl> crls() {
        return current.crls();
    }

    /**
     * Returns the revocation of the certificate, or empty if no loaded CRL of its issuer lists
     * its serial. Checks the file first if {@link #CHECK_INTERVAL} has passed.
     */
    public Optional<Revocation> revocation(X509Certificate certificate) {
        checkFileIfDue();
        for (VerifiedCrl crl : current.crls()) {
            Revocation revocation = crl.find(certificate);
            if (revocation != null) {
                return Optional.of(revocation);
            }
        }
        return Optional.empty();
    }

    /** Returns whether a loaded CRL lists the certificate; see {@link #revocation}. */
    public boolean isRevoked(X509Certificate certificate) {
        return revocation(certificate).isPresent();
    }

    /**
     * Reloads the file now if its modification time, size or file key changed.
     *
     * @return true if a new list was loaded. False if the file is unchanged or the reload
     *     failed, and then the previous list stays in use.
     */
    public synchronized boolean refresh() {
        FileStamp stamp;
        try {
            stamp = FileStamp.of(crlFile);
        } catch (IOException e) {
            warnReloadFailed(FileStamp.UNREADABLE, e);
            return false;
        }
        if (stamp.equals(current.stamp()) || stamp.equals(failedStamp)) {
            return false;
        }
        Snapshot loaded;
        try {
            loaded = read(crlFile, cas);
        } catch (IOException e) {
            warnReloadFailed(stamp, e);
            return false;
        }
        failedStamp = null;
        current = loaded;
        log.info("CRL reloaded: file={} crlNumbers={} revoked={}", crlFile,
                loaded.crlNumbers(), loaded.revokedCount());
        warnIfStale(loaded, clock.instant());
        return true;
    }

    private void checkFileIfDue() {
        long now = clock.millis();
        long due = nextCheckMillis.get();
        // Only the thread that moves the due time on checks the file.
        if (now < due || !nextCheckMillis.compareAndSet(due, now + CHECK_INTERVAL.toMillis())) {
            return;
        }
        refresh();
        warnIfStale(current, clock.instant());
    }

    private void warnReloadFailed(FileStamp stamp, IOException error) {
        if (stamp.equals(failedStamp)) {
            return;
        }
        failedStamp = stamp;
        log.warn("CRL reload failed, keeping the previous list: file={} error={}", crlFile,
                error instanceof NoSuchFileException ? "file not found" : error.getMessage());
    }

    private void warnIfStale(Snapshot snapshot, Instant now) {
        for (VerifiedCrl crl : snapshot.crls()) {
            if (crl.nextUpdate() != null && now.isAfter(crl.nextUpdate())
                    && snapshot.staleWarned().compareAndSet(false, true)) {
                log.warn("CRL is past its nextUpdate and still in use: file={} issuer={}"
                        + " crlNumber={} nextUpdate={} (re-sign it with 'bin/pki crl')",
                        crlFile, crl.issuer().getName(), crl.crlNumber(), crl.nextUpdate());
            }
        }
    }

    private static Snapshot read(Path crlFile, List<X509Certificate> cas) throws IOException {
        // Take the stamp first, so that a write during the read triggers another reload.
        FileStamp stamp = FileStamp.of(crlFile);
        return new Snapshot(stamp, VerifiedCrl.readAll(crlFile, cas), new AtomicBoolean());
    }

    private static List<X509Certificate> readCas(Path caFile) throws IOException {
        Collection<? extends Certificate> read;
        try (InputStream in = Files.newInputStream(caFile)) {
            read = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (NoSuchFileException e) {
            throw new IOException("CA file not found: " + caFile, e);
        } catch (CertificateException e) {
            throw new IOException("invalid CA file " + caFile + ": " + e.getMessage(), e);
        }
        if (read.isEmpty()) {
            throw new IOException("no certificate in CA file " + caFile);
        }
        return read.stream().map(X509Certificate.class::cast).toList();
    }

    private static String expected(Path caFile) {
        return "expected a PEM X.509 CRL signed by a CA in " + caFile
                + ", such as the crl.pem that 'bin/pki crl' writes";
    }

    /** The loaded CRLs and the file version they came from. */
    private record Snapshot(FileStamp stamp, List<VerifiedCrl> crls, AtomicBoolean staleWarned) {
        List<BigInteger> crlNumbers() {
            return crls.stream().map(VerifiedCrl::crlNumber).toList();
        }

        int revokedCount() {
            return crls.stream().mapToInt(crl -> crl.revocations().size()).sum();
        }
    }

    /**
     * The attributes that tell file versions apart. The file key (device and inode on Linux)
     * changes when a writer renames a new file over the old one, as {@code bin/pki} does.
     */
    private record FileStamp(FileTime lastModified, long size, Object fileKey) {
        static final FileStamp UNREADABLE = new FileStamp(FileTime.fromMillis(0), -1, null);

        static FileStamp of(Path file) throws IOException {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(file, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                throw e;
            } catch (IOException e) {
                throw new IOException("cannot read CRL file " + file + ": " + e, e);
            }
            return new FileStamp(attributes.lastModifiedTime(), attributes.size(),
                    attributes.fileKey());
        }
    }
}
