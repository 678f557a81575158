package io.ztna.publisher;

import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Resolves app host names for the publisher: IP literals as they are, then the static host
 * map from the config, then (when enabled) the system resolver, which may block and so runs on
 * its own small thread pool rather than on an event loop.
 */
final class AppResolver implements AutoCloseable {

    private final Map<String, InetAddress> staticHosts;
    private final ExecutorService systemResolver;

    /**
     * @param staticHosts lower-case names without a trailing dot, mapped to addresses
     * @param useSystemResolver whether names not in the map go to the system resolver
     */
    AppResolver(Map<String, InetAddress> staticHosts, boolean useSystemResolver) {
        this.staticHosts = Map.copyOf(staticHosts);
        this.systemResolver = useSystemResolver
                ? Executors.newFixedThreadPool(4, r -> {
                    Thread thread = new Thread(r, "app-resolver");
                    thread.setDaemon(true);
                    return thread;
                })
                : null;
    }

    /** Resolves {@code host}; the future completes on {@code executor}. */
    Future<InetAddress> resolve(String host, EventExecutor executor) {
        Promise<InetAddress> promise = executor.newPromise();
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal != null) {
            try {
                return promise.setSuccess(InetAddress.getByAddress(literal));
            } catch (UnknownHostException e) {
                return promise.setFailure(e);
            }
        }
        String name = normalise(host);
        InetAddress mapped = staticHosts.get(name);
        if (mapped != null) {
            return promise.setSuccess(mapped);
        }
        if (systemResolver == null) {
            return promise.setFailure(new UnknownHostException(
                    host + " is not in the publisher's host map and the system resolver is off"));
        }
        try {
            systemResolver.execute(() -> {
                try {
                    InetAddress address = InetAddress.getByName(name);
                    executor.execute(() -> promise.trySuccess(address));
                } catch (UnknownHostException e) {
                    executor.execute(() -> promise.tryFailure(e));
                }
            });
        } catch (RejectedExecutionException e) {
            promise.tryFailure(new UnknownHostException("resolver stopped"));
        }
        return promise;
    }

    static String normalise(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    @Override
    public void close() {
        if (systemResolver != null) {
            systemResolver.shutdownNow();
        }
    }
}
