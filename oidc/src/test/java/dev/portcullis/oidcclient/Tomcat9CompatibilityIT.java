package dev.portcullis.oidcclient;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * One add-on for every Tomcat edition: every field and method of the valve JAR that the add-on's classes use (the
 * SPI, pac4j, Portcullis's session and policy classes) exists with the same descriptor in the Tomcat 9 valve JAR
 * (module valve-tomcat9, built before this module), found the way the JVM links it (the class, then its supertypes
 * within the JAR). A member whose descriptor names a Servlet API type is renamed to javax there and would show
 * here; OidcJarIT shows that the add-on itself names no Servlet API type. ASM comes with json-smart (accessors-smart),
 * which the add-on ships; declaring it here would make it test-scoped and leave it out of the JAR.
 */
class Tomcat9CompatibilityIT {

    /** The add-on's own references to classes of the valve JAR, as owner.name descriptor. */
    private static List<String[]> references(Path addOn, Map<String, ClassReader> valve) throws IOException {
        List<String[]> references = new ArrayList<>();
        for (Map.Entry<String, ClassReader> entry : classes(addOn).entrySet()) {
            entry.getValue().accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                 String[] exceptions) {
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                            if (valve.containsKey(owner)) {
                                references.add(new String[] {entry.getKey(), owner, method, desc});
                            }
                        }

                        @Override
                        public void visitFieldInsn(int opcode, String owner, String field, String desc) {
                            if (valve.containsKey(owner)) {
                                references.add(new String[] {entry.getKey(), owner, field, desc});
                            }
                        }
                    };
                }
            }, ClassReader.SKIP_FRAMES);
        }
        return references;
    }

    @Test
    void everythingTheAddOnUsesOfTheValveIsInTheTomcat9JarWithTheSameDescriptor() throws IOException {
        Path addOn = Path.of(System.getProperty("portcullis.oidcJar"));
        Map<String, ClassReader> valve = classes(Path.of(System.getProperty("portcullis.valveJar")));
        Map<String, ClassReader> tomcat9 = classes(Path.of(System.getProperty("portcullis.tomcat9ValveJar")));

        List<String[]> references = references(addOn, valve);
        List<String> missing = new ArrayList<>();
        List<String> missingInValve = new ArrayList<>();
        for (String[] reference : references) {
            if (!declares(tomcat9, reference[1], reference[2], reference[3])) {
                missing.add(reference[0] + " uses " + reference[1] + "." + reference[2] + reference[3]);
            }
            if (!declares(valve, reference[1], reference[2], reference[3])) {
                missingInValve.add(reference[0] + " uses " + reference[1] + "." + reference[2] + reference[3]);
            }
        }
        assertThat(references).as("references the add-on makes into the valve JAR").hasSizeGreaterThan(100);
        assertThat(missingInValve).as("resolved against the valve JAR itself (the check finds members)").isEmpty();
        assertThat(missing).as("not in the Tomcat 9 valve JAR").isEmpty();
    }

    /** Whether the class or one of its supertypes inside the JAR declares the member; the JDK's members are assumed. */
    private static boolean declares(Map<String, ClassReader> jar, String owner, String name, String descriptor) {
        ClassReader reader = jar.get(owner);
        if (reader == null) {
            return owner.startsWith("java/") && jdkDeclares(owner, name, descriptor);
        }
        boolean[] found = {false};
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String method, String desc, String signature, String[] exceptions) {
                found[0] |= method.equals(name) && desc.equals(descriptor);
                return null;
            }

            @Override
            public org.objectweb.asm.FieldVisitor visitField(int access, String field, String desc, String signature,
                                                             Object value) {
                found[0] |= field.equals(name) && desc.equals(descriptor);
                return null;
            }
        }, ClassReader.SKIP_CODE);
        if (found[0]) {
            return true;
        }
        if (reader.getSuperName() != null && declares(jar, reader.getSuperName(), name, descriptor)) {
            return true;
        }
        for (String parent : reader.getInterfaces()) {
            if (declares(jar, parent, name, descriptor)) {
                return true;
            }
        }
        return false;
    }

    /** The same for a class of the JDK, by reflection (its superclasses and interfaces too). */
    private static boolean jdkDeclares(String owner, String name, String descriptor) {
        Class<?> type;
        try {
            type = Class.forName(owner.replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
        } catch (ClassNotFoundException e) {
            return false;
        }
        List<Class<?>> todo = new ArrayList<>(List.of(type));
        while (!todo.isEmpty()) {
            Class<?> current = todo.remove(0);
            for (java.lang.reflect.Method method : current.getDeclaredMethods()) {
                if (method.getName().equals(name) && Type.getMethodDescriptor(method).equals(descriptor)) {
                    return true;
                }
            }
            for (java.lang.reflect.Constructor<?> constructor : current.getDeclaredConstructors()) {
                if (name.equals("<init>") && Type.getConstructorDescriptor(constructor).equals(descriptor)) {
                    return true;
                }
            }
            for (java.lang.reflect.Field field : current.getDeclaredFields()) {
                if (field.getName().equals(name) && Type.getDescriptor(field.getType()).equals(descriptor)) {
                    return true;
                }
            }
            if (current.getSuperclass() != null) {
                todo.add(current.getSuperclass());
            }
            todo.addAll(List.of(current.getInterfaces()));
        }
        return false;
    }

    private static Map<String, ClassReader> classes(Path jar) throws IOException {
        Map<String, ClassReader> classes = new HashMap<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : file.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
                String name = entry.getName();
                if (name.startsWith("META-INF/versions/") || name.endsWith("module-info.class")) {
                    continue;
                }
                try (InputStream in = file.getInputStream(entry)) {
                    classes.put(name.substring(0, name.length() - ".class".length()), new ClassReader(in.readAllBytes()));
                }
            }
        }
        return classes;
    }
}
