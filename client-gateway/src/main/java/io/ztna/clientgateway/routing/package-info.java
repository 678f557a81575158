/** Which publisher serves a flow, and through which publisher gateway. */
package io.ztna.clientgateway.routing;
