package dev.chokepoint.agent.flink;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Flink's members by name, looked up once per class and kept with the class ({@link ClassValue}),
 * so that a class and its loader stay collectable. Absent members are remembered as absent: Flink
 * versions differ, and the caller decides what a missing member means.
 */
final class Members {

    private static final Object ABSENT = new Object();
    private static final ClassValue<Members> CACHE = new ClassValue<Members>() {
        @Override
        protected Members computeValue(Class<?> type) {
            return new Members(type);
        }
    };

    private final Class<?> type;
    private final ConcurrentHashMap<String, Object> members = new ConcurrentHashMap<>();

    private Members(Class<?> type) {
        this.type = type;
    }

    static Members of(Class<?> type) {
        return CACHE.get(type);
    }

    /** The method, declared here or inherited (interfaces too), made accessible; null when absent. */
    Method method(String name, Class<?>... parameters) {
        // No-argument methods (nearly every read) are keyed by their name alone: no string built per call.
        String key = parameters.length == 0 ? name : name + Arrays.toString(parameters);
        Object member = members.get(key);
        if (member == null) {
            member = findMethod(name, parameters);
            members.put(key, member);
        }
        return member == ABSENT ? null : (Method) member;
    }

    /** The field, declared here or in a superclass, made accessible; null when absent. */
    Field field(String name) {
        String key = "#" + name;
        Object member = members.get(key);
        if (member == null) {
            member = findField(name);
            members.put(key, member);
        }
        return member == ABSENT ? null : (Field) member;
    }

    /** True when the class is, or extends, the class of that name. */
    boolean isA(String className) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(className)) {
                return true;
            }
        }
        return false;
    }

    private Object findMethod(String name, Class<?>[] parameters) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                return accessible(c.getDeclaredMethod(name, parameters));
            } catch (NoSuchMethodException ignored) {
                // look further up
            }
        }
        try {
            return accessible(type.getMethod(name, parameters)); // default methods of interfaces
        } catch (NoSuchMethodException e) {
            return ABSENT;
        }
    }

    private Object findField(String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                return accessible(c.getDeclaredField(name));
            } catch (NoSuchFieldException ignored) {
                // look further up
            }
        }
        return ABSENT;
    }

    private static Object accessible(AccessibleObject member) {
        try {
            member.setAccessible(true);
            return member;
        } catch (RuntimeException e) { // InaccessibleObjectException on 9+, SecurityException
            return ABSENT;
        }
    }
}
