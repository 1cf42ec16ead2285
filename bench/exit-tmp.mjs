import { setNumThreads, matmul, randn } from '@attnkit/tensor';
console.log(await setNumThreads(2));
matmul(randn([300,300]), randn([300,300]));
console.log('end of script');
