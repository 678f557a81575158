package io.ztna.agent.capture;

import io.netty.util.NetUtil;
import io.ztna.proto.policy.HostPattern;
import io.ztna.proto.policy.SteeringPolicy;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel rules that redirect TCP connections to stub addresses and to the address and CIDR
 * hosts of the steering policy's apps to the transparent capture listener.
 *
 * <p>The agent's own traffic is excluded by socket mark: the tunnel's socket and the sockets of
 * captured flows that go directly carry SO_MARK {@link #AGENT_MARK}, and the rules let marked
 * packets pass first. A mark was chosen over the process's user id because it still works when
 * the agent and the apps run as the same user, root included.
 *
 * <p>Lifecycle: {@link #install} at start replaces whatever a previous run left, {@link #update}
 * follows steering policy changes on a thread of its own, and {@link #close} removes the rules.
 * Each change is one atomic transaction of the firewall tool. Only destinations of the listen
 * address's family are redirected, because a DNAT rule cannot change the address family.
 * Thread-safe.
 */
public final class CaptureRules implements AutoCloseable {

    /** SO_MARK of the agent's own sockets, which the rules never redirect; "ztna" in ASCII. */
    public static final int AGENT_MARK = 0x7a746e61;

    private static final Logger log = LoggerFactory.getLogger(CaptureRules.class);

    private final RedirectRuleset ruleset;
    private final List<HostPattern> stubRanges;
    private final InetSocketAddress listen;
    private final boolean ipv6;
    private final ExecutorService updates = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "capture-rules");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicReference<SteeringPolicy> pending = new AtomicReference<>();
    private volatile String state = "not installed";
    private List<RedirectRule> installed;

    /**
     * @param listen the bound address of the capture listener, with its real port
     */
    CaptureRules(RedirectRuleset ruleset, List<HostPattern> stubRanges,
            InetSocketAddress listen) {
        this.ruleset = ruleset;
        this.stubRanges = List.copyOf(stubRanges);
        this.listen = listen;
        this.ipv6 = listen.getAddress() instanceof Inet6Address;
    }

    /** Returns the mark as the firewall tools write it. */
    static String markText() {
        return "0x" + Integer.toHexString(AGENT_MARK);
    }

    /**
     * Installs the rules for {@code policy}, replacing rules a previous run left, and blocks
     * until the firewall tool finished.
     *
     * @param policy the steering policy in force, or null before the first one arrived
     * @throws IOException naming the tool and its error when the rules could not be installed
     */
    synchronized void install(SteeringPolicy policy) throws IOException, InterruptedException {
        List<RedirectRule> rules = RedirectRule.of(stubRanges, policy, ipv6);
        try {
            ruleset.replace(rules, NetUtil.toAddressString(listen.getAddress()), listen.getPort());
        } catch (IOException e) {
            state = "failed: " + e.getMessage();
            throw e;
        }
        installed = rules;
        state = "installed";
        log.info("capture rules installed: firewall={} listen={} destinations={} "
                + "steeringPolicyVersion={} previousRules=replaced", ruleset.name(),
                address(), rules.size(), policy == null ? null : policy.version());
    }

    /**
     * Schedules replacing the rules for {@code policy} and returns at once. When several
     * policies arrive before the thread gets to them, only the newest is applied. A failure is
     * logged and keeps the rules in force, since the firewall tool applies all or nothing.
     */
    void update(SteeringPolicy policy) {
        if (pending.getAndSet(policy) != null) {
            return;
        }
        updates.execute(() -> {
            SteeringPolicy next = pending.getAndSet(null);
            try {
                applyUpdate(next);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private synchronized void applyUpdate(SteeringPolicy policy) throws InterruptedException {
        if (installed == null) {
            return;
        }
        List<RedirectRule> rules = RedirectRule.of(stubRanges, policy, ipv6);
        if (rules.equals(installed)) {
            log.debug("capture rules unchanged: steeringPolicyVersion={}", policy.version());
            return;
        }
        try {
            ruleset.replace(rules, NetUtil.toAddressString(listen.getAddress()), listen.getPort());
        } catch (IOException e) {
            state = "update failed, previous rules in force: " + e.getMessage();
            log.error("capture rules update failed, previous rules stay in force: firewall={} "
                    + "steeringPolicyVersion={} error=\"{}\"", ruleset.name(), policy.version(),
                    e.getMessage());
            return;
        }
        installed = rules;
        state = "installed";
        log.info("capture rules updated: firewall={} destinations={} steeringPolicyVersion={}",
                ruleset.name(), rules.size(), policy.version());
    }

    /** Returns the rule state for the agent's status: installed, removed, or what failed. */
    String state() {
        return state;
    }

    /** Returns the firewall's name: {@code nft} or {@code iptables}. */
    String firewall() {
        return ruleset.name();
    }

    /** Returns the number of destination blocks redirected, or 0 while none are installed. */
    synchronized int destinations() {
        return installed == null ? 0 : installed.size();
    }

    /**
     * Stops following policy changes and removes the rules, blocking until the firewall tool
     * finished. A failure is logged: the rules then stay until the next start replaces them.
     */
    @Override
    public void close() {
        updates.shutdown();
        try {
            if (!updates.awaitTermination(RuleCommand.TIMEOUT.toMillis() + 1_000,
                    TimeUnit.MILLISECONDS)) {
                log.warn("capture rules update still running at shutdown: firewall={}",
                        ruleset.name());
            }
            removeRules();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void removeRules() throws InterruptedException {
        if (installed == null) {
            return;
        }
        try {
            ruleset.remove();
        } catch (IOException e) {
            state = "removal failed: " + e.getMessage();
            log.error("capture rules removal failed; the next start replaces them: firewall={} "
                    + "error=\"{}\"", ruleset.name(), e.getMessage());
            return;
        }
        installed = null;
        state = "removed";
        log.info("capture rules removed: firewall={}", ruleset.name());
    }

    private String address() {
        String host = NetUtil.toAddressString(listen.getAddress());
        return (ipv6 ? "[" + host + "]" : host) + ":" + listen.getPort();
    }
}
