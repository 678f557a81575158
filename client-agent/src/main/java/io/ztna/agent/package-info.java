/** The client agent daemon that steers app traffic from the user's device into the tunnel. */
package io.ztna.agent;
