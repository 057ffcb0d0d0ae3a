package dev.chokepoint.e2e;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link BackpressureJob} with a fault injector: on the stdin line {@value #INSTALL}, it installs
 * in the agent's bridge ({@code dev.chokepoint.bootstrap.ChokepointBridge}, on the bootstrap class
 * path, reached by reflection) a {@code Handler} that fails on the buffer-request path: every
 * other {@code requestStarted} throws an {@link IllegalStateException}, the others return a start
 * time, and every {@code requestEnded} throws an {@link AssertionError}. It replaces the agent's
 * own handler, as a bug in it would behave. Prints {@value #INSTALLED} once installed.
 */
public final class FaultyHandlerJob {

    public static final String INSTALL = "install-faulty-handler";
    public static final String INSTALLED = "chokepoint-e2e: faulty handler installed";

    static final AtomicLong CALLS = new AtomicLong();

    private FaultyHandlerJob() {
    }

    public static void main(String[] args) throws Exception {
        Thread commands = new Thread(FaultyHandlerJob::readCommands, "fault-injector");
        commands.setDaemon(true);
        commands.start();
        BackpressureJob.main(args);
    }

    private static void readCommands() {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (INSTALL.equals(line.trim())) {
                    install();
                    System.out.println(INSTALLED);
                }
            }
        } catch (Exception e) {
            System.out.println("chokepoint-e2e: fault injector failed: " + e);
        }
    }

    private static void install() throws Exception {
        Class<?> bridge = Class.forName("dev.chokepoint.bootstrap.ChokepointBridge", true, null);
        Class<?> handlerType = Class.forName("dev.chokepoint.bootstrap.ChokepointBridge$Handler", true, null);
        InvocationHandler failing = (proxy, method, methodArgs) -> {
            switch (method.getName()) {
                case "requestStarted":
                    if (CALLS.incrementAndGet() % 2 == 1) {
                        throw new IllegalStateException("injected failure in requestStarted");
                    }
                    return System.nanoTime() | 1L;
                case "requestEnded":
                    throw new AssertionError("injected failure in requestEnded");
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == methodArgs[0];
                default:
                    return "FaultyHandler";
            }
        };
        Object handler = Proxy.newProxyInstance(FaultyHandlerJob.class.getClassLoader(), new Class<?>[] {handlerType}, failing);
        bridge.getMethod("install", handlerType).invoke(null, handler);
    }
}
