package io.ztna.clientgateway.agent;

import io.netty.util.concurrent.ScheduledFuture;
import io.ztna.clientgateway.policy.AccessPolicy;
import io.ztna.proto.control.ControlCodec;
import io.ztna.proto.control.ReauthChallengeMessage;
import io.ztna.proto.control.ReauthResponseMessage;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.policy.Reauthentication;
import io.ztna.proto.tls.ReauthProof;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic re-authentication of one agent tunnel. After each interval the gateway sends a
 * random nonce. Before the grace period ends, the agent must return a signature over it, made
 * with the private key of the certificate it presented in the TLS handshake, and fresh posture. The gateway also checks that the certificate is still valid and not revoked and
 * that the directory still lists the user. Any failure, or no answer in time, closes the tunnel
 * with the reason, which the agent shows. The interval and grace come from the policy in force
 * for the user's groups. Runs on the tunnel's event loop.
 */
final class Reauthenticator {

    private static final Logger log = LoggerFactory.getLogger(Reauthenticator.class);

    private final AgentSession session;
    private final Tunnel tunnel;
    private final X509Certificate certificate;
    private final PeerCertificateCheck certificateCheck;
    private ScheduledFuture<?> timer;
    private String pendingNonce;
    private boolean cancelled;
    private long lastSuccessNanos = System.nanoTime();
    private Duration interval;

    Reauthenticator(AgentSession session, Tunnel tunnel, X509Certificate certificate,
            PeerCertificateCheck certificateCheck) {
        this.session = session;
        this.tunnel = tunnel;
        this.certificate = certificate;
        this.certificateCheck = certificateCheck;
    }

    /**
     * Schedules the next challenge one interval after the last success, or after the tunnel came
     * up when there was none yet, and at once when that time has passed. A challenge already
     * waiting for its response is left alone, and the new interval applies after it.
     */
    void schedule(Duration next) {
        tunnel.channel().eventLoop().execute(() -> {
            if (cancelled || next.equals(interval) && timer != null || pendingNonce != null) {
                interval = next;
                return;
            }
            interval = next;
            cancelTimer();
            long elapsed = System.nanoTime() - lastSuccessNanos;
            long delay = Math.max(0, next.toNanos() - elapsed);
            timer = tunnel.channel().eventLoop().schedule(this::challenge, delay,
                    TimeUnit.NANOSECONDS);
        });
    }

    void cancel() {
        tunnel.channel().eventLoop().execute(() -> {
            cancelled = true;
            cancelTimer();
        });
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void challenge() {
        AccessPolicy policy = session.policy();
        Reauthentication.Schedule schedule =
                policy.reauthentication(session.principal(policy));
        pendingNonce = ReauthProof.newNonce();
        long deadline = System.currentTimeMillis() + schedule.grace().toMillis();
        tunnel.sendControl(ControlCodec.encode(
                new ReauthChallengeMessage(pendingNonce, deadline)));
        log.info("{} re-authentication challenge sent: user={} device={} grace={}ms",
                session.id(), session.agent().name(), session.agent().device(),
                schedule.grace().toMillis());
        timer = tunnel.channel().eventLoop().schedule(
                () -> fail("no answer to the re-authentication challenge within "
                        + schedule.grace().toMillis() + " ms"),
                schedule.grace().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Checks an agent's response to the pending challenge, on the tunnel's event loop. */
    void onResponse(ReauthResponseMessage response) {
        if (cancelled) {
            return;
        }
        if (pendingNonce == null) {
            log.warn("{} re-authentication response ignored: user={} device={} reason=no "
                    + "challenge is pending", session.id(), session.agent().name(),
                    session.agent().device());
            return;
        }
        if (!pendingNonce.equals(response.nonce())) {
            fail("the response does not carry the challenge's nonce");
            return;
        }
        if (response.signature() == null || !ReauthProof.verify(certificate.getPublicKey(),
                response.nonce(), response.signature())) {
            fail("the signature does not verify with the key of certificate serial 0x"
                    + certificate.getSerialNumber().toString(16));
            return;
        }
        String problem = certificateCheck.problem(certificate, Instant.now());
        if (problem != null) {
            fail(problem);
            return;
        }
        AccessPolicy policy = session.policy();
        if (!policy.knows(session.agent().name())) {
            fail("user " + session.agent().name() + " is no longer in the directory");
            return;
        }
        pendingNonce = null;
        cancelTimer();
        lastSuccessNanos = System.nanoTime();
        if (response.posture() != null) {
            session.updatePosture(response.posture(), "re-authenticated");
        }
        Duration next = policy.reauthentication(session.principal(policy)).interval();
        log.info("{} agent re-authenticated: user={} device={} next={}s", session.id(),
                session.agent().name(), session.agent().device(), next.toSeconds());
        interval = null;
        schedule(next);
    }

    private void fail(String reason) {
        if (cancelled) {
            return;
        }
        cancelled = true;
        cancelTimer();
        pendingNonce = null;
        session.end("re-authentication failed: " + reason);
    }
}
