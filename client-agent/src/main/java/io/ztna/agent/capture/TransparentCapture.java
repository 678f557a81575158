package io.ztna.agent.capture;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.ztna.proto.policy.SteeringPolicy;
import io.ztna.proto.transport.Transports;
import java.io.IOException;
import java.net.Inet6Address;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transparent capture on Linux: the {@link TransparentListener} and the {@link CaptureRules}
 * that redirect connections to it, started and stopped together. Apps need no proxy setting.
 *
 * <p>Needs the epoll transport. Without it capture stays off: {@link #start} logs one warning
 * and returns false, and the rest of the agent runs on.
 *
 * <p>Call {@link #start} and {@link #close()} from one thread; {@link #policyChanged} from
 * any.
 */
public final class TransparentCapture implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TransparentCapture.class);

    private final EventLoopGroup group;
    private final CaptureSection section;
    private final StubAddressLookup stubs;
    private final Steering steering;
    private final FlowOpener opener;
    private TransparentListener listener;
    private CaptureRules rules;
    private String disabledReason;

    /**
     * @param section a validated section whose mode is not off
     * @param stubs maps stub addresses back to app names
     */
    public TransparentCapture(EventLoopGroup group, CaptureSection section,
            StubAddressLookup stubs, Steering steering, FlowOpener opener) {
        this.group = group;
        this.section = section;
        this.stubs = stubs;
        this.steering = steering;
        this.opener = opener;
    }

    /**
     * Binds the listener, then installs the rules for {@code policy}, replacing those of an
     * earlier run. Blocks until both are done.
     *
     * @param policy the steering policy in force, or null before the first one arrived
     * @return false when capture stays off because the epoll transport is not in use
     * @throws IOException when the listener cannot bind or the rules cannot be installed; the
     *     listener is closed again then
     */
    public boolean start(SteeringPolicy policy) throws IOException, InterruptedException {
        if (!Transports.isEpoll()) {
            disabledReason = Epoll.isAvailable() ? "the NIO transport was selected"
                    : "epoll unavailable: " + Epoll.unavailabilityCause();
            log.warn("transparent capture disabled: mode={} reason=\"{}\"",
                    section.mode(), disabledReason);
            return false;
        }
        listener = new TransparentListener(group, section.listenAddress(), stubs,
                section.stubNetworks(), steering, opener, CaptureTimeouts.defaults(),
                CaptureRules.AGENT_MARK).start();
        RedirectRuleset ruleset = section.parsedMode() == CaptureSection.Mode.NFT
                ? new NftRuleset()
                : new IptablesRuleset(
                        listener.localAddress().getAddress() instanceof Inet6Address);
        rules = new CaptureRules(ruleset, section.stubNetworks(), listener.localAddress());
        try {
            rules.install(policy);
        } catch (IOException | InterruptedException e) {
            listener.close();
            throw e;
        }
        return true;
    }

    /** Returns whether capture runs; the agent's sockets must then carry the mark. */
    public boolean running() {
        return rules != null;
    }

    /** Returns SO_MARK for the agent's own sockets, which the rules let pass. */
    public int socketMark() {
        return CaptureRules.AGENT_MARK;
    }

    /** Updates the rules for a new steering policy, on the rules' own thread. */
    public void policyChanged(SteeringPolicy policy) {
        if (rules != null) {
            rules.update(policy);
        }
    }

    /** Returns the mode, listen address and rule state for the agent's status. */
    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("mode", section.parsedMode().name().toLowerCase(Locale.ROOT));
        status.put("listen", listener == null ? null : listener.localAddress().toString());
        status.put("rules", disabledReason != null ? "disabled: " + disabledReason
                : rules == null ? "not installed" : rules.state());
        status.put("destinations", rules == null ? 0 : rules.destinations());
        return status;
    }

    /** Removes the rules first, so no new connection is redirected, then stops listening. */
    @Override
    public void close() {
        if (rules != null) {
            rules.close();
        }
        if (listener != null) {
            listener.close();
        }
    }
}
