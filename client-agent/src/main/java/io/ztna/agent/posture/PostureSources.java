package io.ztna.agent.posture;

import java.nio.file.Path;
import java.util.List;

/**
 * The host paths that the collector reads, all below one root directory, which is {@code /} on
 * a real host and a temporary directory in tests.
 *
 * @param root the directory used as {@code /}
 */
public record PostureSources(Path root) {

    /** Directories searched, in order, for the firewall tools {@code nft} and {@code *-save}. */
    private static final List<String> TOOL_DIRECTORIES =
            List.of("usr/sbin", "sbin", "usr/bin", "bin");

    /** Returns the sources of the running host. */
    public static PostureSources system() {
        return new PostureSources(Path.of("/"));
    }

    /** Returns the os-release files in the order of os-release(5): the first readable wins. */
    public List<Path> osReleaseFiles() {
        return List.of(root.resolve("etc/os-release"), root.resolve("usr/lib/os-release"));
    }

    /** Returns the file with the kernel's host name, read instead of resolving any name. */
    public Path hostNameFile() {
        return root.resolve("proc/sys/kernel/hostname");
    }

    /** Returns the sysfs directory with one entry per block device. */
    public Path sysBlock() {
        return root.resolve("sys/block");
    }

    /** Returns the directories searched for firewall tools, in order. */
    public List<Path> toolDirectories() {
        return TOOL_DIRECTORIES.stream().map(root::resolve).toList();
    }
}
