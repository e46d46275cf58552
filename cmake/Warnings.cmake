# Warnings are errors on every project target; third-party headers come in as SYSTEM.
# -Wmissing-field-initializers is off: designated initializers that leave members at their
# declared defaults ({.url = u, .timeout = t}) are the intended style for option structs.
function(toolauth_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow-uncaptured-local
                                           -Wnon-virtual-dtor -Wimplicit-fallthrough
                                           -Wno-missing-field-initializers)
endfunction()
