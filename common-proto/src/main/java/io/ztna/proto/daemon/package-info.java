/** Process life of a daemon: start from a config, stop on SIGTERM. */
package io.ztna.proto.daemon;
