# ASan + UBSan apply to the whole build: mixing instrumented and plain objects hides bugs.
# -fsanitize=function is left out: with ASan, clang 14 cannot emit coroutine frames that carry
# its prologue data ("Cannot represent a difference across sections").
if(TOOLAUTH_SANITIZE OR TOOLAUTH_FUZZ)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize=function
                      -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize=function)
endif()

# ThreadSanitizer (ci/tsan, outside CI): mock-idp signs tokens on a thread pool and the clock,
# journals and fault injector are shared across threads. It cannot be combined with ASan.
if(TOOLAUTH_TSAN)
  if(TOOLAUTH_SANITIZE)
    message(FATAL_ERROR "TOOLAUTH_TSAN and TOOLAUTH_SANITIZE cannot be combined")
  endif()
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()

# libFuzzer's coverage instrumentation goes on every object too; only the fuzz binaries link
# the fuzzer runtime (fuzz/CMakeLists.txt).
if(TOOLAUTH_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
