// Reads golden tensors written by the tests/golden/make_*_golden.py scripts: for each
// tensor a line `name dim0 dim1 ...` and a line of its row-major values.
//
//   std::map<std::string, at::Tensor> golden = ReadGoldenTensors("tests/golden/x.txt");
#ifndef TESTS_GOLDEN_TENSORS_H_
#define TESTS_GOLDEN_TENSORS_H_

#include <ATen/ATen.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace testing_util {

// float32 tensors by name; throws std::runtime_error naming the file on a bad format.
inline std::map<std::string, at::Tensor> ReadGoldenTensors(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open golden file " + path);
  std::map<std::string, at::Tensor> tensors;
  std::string header;
  std::string values;
  while (std::getline(in, header) && std::getline(in, values)) {
    std::istringstream header_stream(header);
    std::string name;
    header_stream >> name;
    std::vector<int64_t> shape;
    for (int64_t dim; header_stream >> dim;) shape.push_back(dim);
    std::vector<double> data;
    std::istringstream value_stream(values);
    for (double value; value_stream >> value;) data.push_back(value);
    at::Tensor tensor = at::tensor(data, at::kDouble).to(at::kFloat);
    if (tensor.numel() != c10::multiply_integers(shape)) {
      throw std::runtime_error(path + ": tensor " + name + " has the wrong number of values");
    }
    tensors[name] = tensor.reshape(shape);
  }
  return tensors;
}

}  // namespace testing_util

#endif  // TESTS_GOLDEN_TENSORS_H_
