# Warnings are errors on every project target; third-party headers come in as SYSTEM.
function(toolauth_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow=local
                                           -Wnon-virtual-dtor -Wimplicit-fallthrough)
endfunction()
