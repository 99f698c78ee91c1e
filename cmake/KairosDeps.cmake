# Every dependency comes from a Debian 12 package; scripts/setup installs them.
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(CLI11 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(ZLIB REQUIRED)
find_package(zstd REQUIRED)
# libxgboost-dev (the intent task's baselines). Its CMake package also checks for the `xgboost`
# command-line binary (another Debian package), so the library and header are found directly.
find_library(XGBOOST_LIBRARY NAMES xgboost REQUIRED)
find_path(XGBOOST_INCLUDE_DIR xgboost/c_api.h REQUIRED)
add_library(xgboost::xgboost SHARED IMPORTED)
set_target_properties(xgboost::xgboost PROPERTIES IMPORTED_LOCATION ${XGBOOST_LIBRARY}
                      INTERFACE_INCLUDE_DIRECTORIES ${XGBOOST_INCLUDE_DIR})
# libnlopt-dev: the derivative-free optimiser behind BG/NBD's maximum likelihood (models/customers).
find_package(NLopt REQUIRED)
find_package(Boost 1.74 REQUIRED)  # header-only: Beast + Asio (serve/, kairos bench serve)
if(KAIROS_WITH_TORCH)
  find_package(Torch REQUIRED)
endif()
if(KAIROS_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(KAIROS_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
