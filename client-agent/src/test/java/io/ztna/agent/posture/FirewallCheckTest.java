package io.ztna.agent.posture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.proto.posture.CheckState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The firewall check with stand-in {@code nft} and {@code *-save} tools: scripts under a
 * temporary root that print a fixed ruleset and exit with a fixed status.
 */
class FirewallCheckTest {

    private static final String NFT_WITH_RULE = """
            table inet filter {
            \tchain input {
            \t\ttype filter hook input priority filter; policy drop;
            \t\tct state established,related accept
            \t}
            }
            """;
    private static final String NFT_POLICY_ONLY = """
            table inet filter {
            \tset blocked {
            \t\ttype ipv4_addr
            \t\telements = { 192.0.2.1 }
            \t}
            \tchain input {
            \t\ttype filter hook input priority filter; policy drop;
            \t\tcomment "no rules yet"
            \t}
            }
            """;
    private static final String SAVE_WITH_RULE = """
            *filter
            :INPUT ACCEPT [0:0]
            -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
            COMMIT
            """;
    private static final String SAVE_EMPTY = """
            *filter
            :INPUT ACCEPT [0:0]
            COMMIT
            """;

    @TempDir
    Path root;

    /** Installs a tool in {@code usr/sbin} that prints {@code output} and exits with status. */
    private void tool(String name, String output, int exitStatus) throws IOException {
        Path directory = Files.createDirectories(root.resolve("usr/sbin"));
        Path outputFile = directory.resolve(name + ".out");
        Files.writeString(outputFile, output);
        Path script = directory.resolve(name);
        Files.writeString(script, "#!/bin/sh\ncat '" + outputFile + "'\nexit " + exitStatus + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private CheckState check() throws InterruptedException {
        return new FirewallCheck(new PostureSources(root).toolDirectories(), new CommandRunner())
                .check();
    }

    @Test
    void nftRuleGivesPass() throws Exception {
        tool("nft", NFT_WITH_RULE, 0);

        assertThat(check()).isEqualTo(CheckState.PASS);
    }

    @Test
    void nftPolicyOnlyGivesFail() throws Exception {
        tool("nft", NFT_POLICY_ONLY, 0);

        assertThat(check()).isEqualTo(CheckState.FAIL);
    }

    @Test
    void emptyNftRulesetGivesFail() throws Exception {
        tool("nft", "", 0);

        assertThat(check()).isEqualTo(CheckState.FAIL);
    }

    @Test
    void iptablesRuleGivesPassAfterNftFailed() throws Exception {
        tool("nft", "", 1);
        tool("iptables-save", SAVE_WITH_RULE, 0);

        assertThat(check()).isEqualTo(CheckState.PASS);
    }

    @Test
    void ip6tablesRuleGivesPassWhenOthersEmpty() throws Exception {
        tool("nft", "", 0);
        tool("iptables-save", SAVE_EMPTY, 0);
        tool("ip6tables-save", SAVE_WITH_RULE, 0);

        assertThat(check()).isEqualTo(CheckState.PASS);
    }

    @Test
    void emptyIptablesGivesFail() throws Exception {
        tool("iptables-save", SAVE_EMPTY, 0);

        assertThat(check()).isEqualTo(CheckState.FAIL);
    }

    @Test
    void everyToolFailingGivesUnknown() throws Exception {
        tool("nft", "", 1);
        tool("iptables-save", SAVE_WITH_RULE, 1);
        tool("ip6tables-save", SAVE_WITH_RULE, 4);

        assertThat(check()).isEqualTo(CheckState.UNKNOWN);
    }

    @Test
    void noToolGivesUnknown() throws Exception {
        assertThat(check()).isEqualTo(CheckState.UNKNOWN);
    }
}
