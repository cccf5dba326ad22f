package dev.portcullis.build.tomcat9;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * ApiCheck against the real Tomcat 9.0.98 JAR, on small classes written with ASM: each problem kind is
 * shown failing and, with one thing changed, passing.
 */
class ApiCheckTest {

    private static final Path TOMCAT9 = Path.of(System.getProperty("portcullis.tomcat9Api"));
    private static final String REQUEST = "org/apache/catalina/connector/Request";

    @TempDir
    Path dir;

    @Test
    void aCallToAMethodTomcat9DoesNotHaveIsNamed() throws IOException {
        // Request.getRequestId() came with Servlet 6.0 (Tomcat 10.1); getRemoteUser() is in every Servlet version.
        Path jar = jar(Map.of("example/Caller", caller(REQUEST, "getRequestId", "()Ljava/lang/String;")));
        Path fine = jar(Map.of("example/Caller", caller(REQUEST, "getRemoteUser", "()Ljava/lang/String;")));

        assertThat(ApiCheck.problems(jar, List.of(TOMCAT9))).containsExactly(
                "example/Caller uses method org/apache/catalina/connector/Request.getRequestId()Ljava/lang/String;, which this Tomcat"
                        + " does not have");
        assertThat(ApiCheck.problems(fine, List.of(TOMCAT9))).isEmpty();
    }

    @Test
    void aMethodFoundThroughAnOwnSubclassOfATomcatClassIsResolvedThere() throws IOException {
        // example/MyPrincipal extends GenericPrincipal; calling getRoles() on it resolves in Tomcat's superclass.
        byte[] subclass = classFile("example/MyPrincipal", "org/apache/catalina/realm/GenericPrincipal", new String[0], mv -> { });
        Path fine = jar(Map.of("example/MyPrincipal", subclass,
                "example/Caller", caller("example/MyPrincipal", "getRoles", "()[Ljava/lang/String;")));
        Path missing = jar(Map.of("example/MyPrincipal", subclass,
                "example/Caller", caller("example/MyPrincipal", "notInAnyTomcat", "()Ljava/lang/String;")));

        assertThat(ApiCheck.problems(fine, List.of(TOMCAT9))).isEmpty();
        assertThat(ApiCheck.problems(missing, List.of(TOMCAT9))).singleElement().asString()
                .contains("example/MyPrincipal.notInAnyTomcat()");
    }

    @Test
    void aClassTomcat9DoesNotHaveIsNamed() throws IOException {
        Path jar = jar(Map.of("example/Caller", caller("jakarta/servlet/http/HttpServletRequest", "getRemoteUser",
                "()Ljava/lang/String;")));

        assertThat(ApiCheck.problems(jar, List.of(TOMCAT9)))
                .contains("example/Caller uses class jakarta/servlet/http/HttpServletRequest, which this Tomcat does not have");
    }

    @Test
    void aConcreteClassMustImplementWhatTomcat9LeavesAbstract() throws IOException {
        // javax.servlet.ReadListener has three abstract methods in Servlet 4.0.
        Path partial = jar(Map.of("example/Listener", classFile("example/Listener", "java/lang/Object",
                new String[] {"javax/servlet/ReadListener"}, cw -> method(cw, "onDataAvailable", "()V"))));
        Path whole = jar(Map.of("example/Listener", classFile("example/Listener", "java/lang/Object",
                new String[] {"javax/servlet/ReadListener"}, cw -> {
                    method(cw, "onDataAvailable", "()V");
                    method(cw, "onAllDataRead", "()V");
                    method(cw, "onError", "(Ljava/lang/Throwable;)V");
                })));

        assertThat(ApiCheck.problems(partial, List.of(TOMCAT9))).containsExactlyInAnyOrder(
                "example/Listener does not implement javax/servlet/ReadListener.onAllDataRead()V, which this Tomcat declares abstract",
                "example/Listener does not implement javax/servlet/ReadListener.onError(Ljava/lang/Throwable;)V, which this Tomcat"
                        + " declares abstract");
        assertThat(ApiCheck.problems(whole, List.of(TOMCAT9))).isEmpty();
    }

    @Test
    void overridesAreListedWithTheirTypesRenamed() throws IOException {
        Path jar = jar(Map.of("example/Listener", classFile("example/Listener", "java/lang/Object",
                new String[] {"javax/servlet/ReadListener"}, cw -> {
                    method(cw, "onDataAvailable", "()V");
                    method(cw, "onError", "(Ljava/lang/Throwable;)V");
                    method(cw, "helper", "()V");
                })));
        UnaryOperator<String> upper = name -> name.equals("java/lang/Throwable") ? "X" : name;

        assertThat(ApiCheck.overrides(jar, List.of(TOMCAT9), upper))
                .containsExactly("example/Listener.onDataAvailable()V", "example/Listener.onError(LX;)V");
    }

    private static byte[] caller(String owner, String name, String descriptor) {
        return classFile("example/Caller", "java/lang/Object", new String[0], cw -> {
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "call", "(L" + owner + ";)V", null, null);
            mv.visitCode();
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            boolean itf = owner.startsWith("jakarta/servlet/http/HttpServletRequest");
            mv.visitMethodInsn(itf ? Opcodes.INVOKEINTERFACE : Opcodes.INVOKEVIRTUAL, owner, name, descriptor, itf);
            mv.visitInsn(Opcodes.POP);
            mv.visitInsn(Opcodes.RETURN);
            mv.visitMaxs(1, 1);
            mv.visitEnd();
        });
    }

    private static void method(ClassWriter cw, String name, String descriptor) {
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, name, descriptor, null, null);
        mv.visitCode();
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 2);
        mv.visitEnd();
    }

    private static byte[] classFile(String name, String superName, String[] interfaces, java.util.function.Consumer<ClassWriter> body) {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, name, null, superName, interfaces);
        body.accept(cw);
        cw.visitEnd();
        return cw.toByteArray();
    }

    private Path jar(Map<String, byte[]> classes) throws IOException {
        Path file = Files.createTempFile(dir, "check", ".jar");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> c : classes.entrySet()) {
                out.putNextEntry(new ZipEntry(c.getKey() + ".class"));
                out.write(c.getValue());
                out.closeEntry();
            }
        }
        return file;
    }
}
