package dev.chokepoint.cli.jmx;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.rmi.server.RMISocketFactory;

/**
 * This CLI's RMI sockets: to the loopback address, whatever host a stub names. The agent's private
 * connector listens on loopback only, but the stubs the RMI runtime hands out carry the host's
 * name or address ({@code java.rmi.server.hostname}, else the address of its host name), which is
 * not loopback on most machines. Set once for this process (the CLI, never the target).
 */
final class LoopbackRmiSockets extends RMISocketFactory {

    private LoopbackRmiSockets() {
    }

    static synchronized void install() throws IOException {
        if (!(RMISocketFactory.getSocketFactory() instanceof LoopbackRmiSockets)) {
            RMISocketFactory.setSocketFactory(new LoopbackRmiSockets());
        }
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port);
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return new ServerSocket(port, 0, InetAddress.getLoopbackAddress());
    }
}
