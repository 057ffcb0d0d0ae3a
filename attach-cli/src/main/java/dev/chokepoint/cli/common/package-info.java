/**
 * What every package of the CLI uses: the user-facing failure ({@link dev.chokepoint.cli.common.CliException})
 * and the CLI's version. A leaf: it imports no other CLI package, so that the command package
 * ({@code dev.chokepoint.cli}) and the packages it uses ({@code attach}, {@code jmx}, {@code report})
 * depend on it without depending on each other in a cycle.
 */
package dev.chokepoint.cli.common;
